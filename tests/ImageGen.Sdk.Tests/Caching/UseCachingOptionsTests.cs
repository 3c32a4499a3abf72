using ImageGen.Sdk.Caching;

namespace ImageGen.Sdk.Tests.Caching;

public class UseCachingOptionsTests
{
    [Test]
    public void Distributed_backend_is_refused_with_a_message_naming_Backend()
    {
        ImageGeneratorBuilder builder = new(new FakeImageGenerator());
        ArgumentException ex = Assert.Throws<ArgumentException>(
            () => builder.UseCaching(new ImageCacheOptions { Backend = ImageCacheBackend.Distributed }))!;
        Assert.That(ex.Message, Does.Contain("Backend"));
        Assert.That(ex.ParamName, Is.EqualTo("options"));
    }

    [Test]
    public async Task FileSystem_backend_caches_in_the_configured_directory()
    {
        string directory = Path.Combine(Path.GetTempPath(), "imagegen-cache-tests", Guid.NewGuid().ToString("N"));
        try
        {
            FakeImageGenerator fake = new();
            IImageGenerator generator = new ImageGeneratorBuilder(fake)
                .UseCaching(new ImageCacheOptions { Backend = ImageCacheBackend.FileSystem, Directory = directory })
                .Build();
            await generator.GenerateAsync(new ImageGenerationRequest("fox"));
            ImageGenerationResult second = await generator.GenerateAsync(new ImageGenerationRequest("fox"));

            Assert.That(second.FromCache, Is.True);
            Assert.That(Directory.GetFiles(directory, "*.blob", SearchOption.AllDirectories), Has.Length.EqualTo(1), "stored on disk, not in memory");
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    [Test]
    public async Task None_backend_adds_no_layer()
    {
        FakeImageGenerator fake = new();
        IImageGenerator generator = new ImageGeneratorBuilder(fake)
            .UseCaching(new ImageCacheOptions { Backend = ImageCacheBackend.None })
            .Build();
        await generator.GenerateAsync(new ImageGenerationRequest("fox"));
        await generator.GenerateAsync(new ImageGenerationRequest("fox"));
        Assert.That(fake.CallCount, Is.EqualTo(2));
        Assert.That(generator, Is.SameAs(fake));
    }
}

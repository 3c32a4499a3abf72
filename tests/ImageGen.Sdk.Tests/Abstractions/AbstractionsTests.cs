namespace ImageGen.Sdk.Tests.Abstractions;

public class AbstractionsTests
{
    [TestCase("1536x1024", 1536, 1024)]
    [TestCase(" 256X256 ", 256, 256)]
    [TestCase("1024×1792", 1024, 1792)]
    public void ImageSize_parses_width_and_height(string text, int width, int height)
    {
        ImageSize size = ImageSize.Parse(text);
        Assert.That((size.Width, size.Height), Is.EqualTo((width, height)));
        Assert.That(size.ToString(), Is.EqualTo($"{width}x{height}"));
    }

    [TestCase("")]
    [TestCase("1024")]
    [TestCase("0x1024")]
    [TestCase("-5x10")]
    [TestCase("axb")]
    public void ImageSize_rejects_malformed_text(string text)
    {
        Assert.That(() => ImageSize.Parse(text), Throws.TypeOf<FormatException>());
        Assert.That(ImageSize.TryParse(text, out _), Is.False);
    }

    [Test]
    public void Extensible_strings_compare_ignoring_case_and_accept_unknown_values()
    {
        Assert.That(new ImageQuality("HIGH"), Is.EqualTo(ImageQuality.High));
        ImageStyle custom = "cinematic";
        Assert.That(custom.Value, Is.EqualTo("cinematic"));
        Assert.That(ImageFormat.Webp.ToString(), Is.EqualTo("webp"));
        Assert.That(() => new ImageFormat(" "), Throws.ArgumentException);
    }

    [Test]
    public void Request_ToString_never_prints_the_prompt_or_user()
    {
        ImageGenerationRequest request = new("my secret product launch") { User = "alice@example.com", NegativePrompt = "blurry", Size = new ImageSize(1024, 1024) };
        string text = request.ToString();
        Assert.That(text, Does.Not.Contain("secret"));
        Assert.That(text, Does.Not.Contain("alice"));
        Assert.That(text, Does.Not.Contain("blurry"));
        Assert.That(text, Does.Contain("1024x1024"));
    }

    [Test]
    public void Media_types_are_detected_from_magic_bytes()
    {
        Assert.That(ImageMediaTypes.Detect([0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10]), Is.EqualTo("image/png"));
        Assert.That(ImageMediaTypes.Detect([0xFF, 0xD8, 0xFF, 0xE0]), Is.EqualTo("image/jpeg"));
        Assert.That(ImageMediaTypes.Detect("RIFF\0\0\0\0WEBPVP8 "u8), Is.EqualTo("image/webp"));
        Assert.That(ImageMediaTypes.Detect([1, 2, 3]), Is.Null);
    }

    // Every kind is listed by hand, so a kind added later without a decision here fails below (the default is what
    // retry and the breaker act on when a provider says nothing more). That a provider's override is obeyed is tested
    // where it matters: RetryingImageGeneratorTests retries an InvalidRequest marked transient and stops at a 503 marked
    // permanent.
    private static readonly Dictionary<ImageGenerationErrorKind, bool> TransientByDefault = new()
    {
        [ImageGenerationErrorKind.InvalidRequest] = false,
        [ImageGenerationErrorKind.Authentication] = false,
        [ImageGenerationErrorKind.PermissionDenied] = false,
        [ImageGenerationErrorKind.NotFound] = false,
        [ImageGenerationErrorKind.RateLimited] = true,
        [ImageGenerationErrorKind.QuotaExceeded] = false,
        [ImageGenerationErrorKind.ContentFiltered] = false,
        [ImageGenerationErrorKind.ServerError] = true,
        [ImageGenerationErrorKind.Timeout] = true,
        [ImageGenerationErrorKind.Network] = true,
        [ImageGenerationErrorKind.InvalidResponse] = false,
        [ImageGenerationErrorKind.Unavailable] = true,
        [ImageGenerationErrorKind.BudgetExceeded] = false,
    };

    [Test]
    public void Each_kind_has_its_documented_transience_by_default()
    {
        foreach (ImageGenerationErrorKind kind in Enum.GetValues<ImageGenerationErrorKind>())
        {
            Assert.That(TransientByDefault.TryGetValue(kind, out bool expected), Is.True, $"{kind} has no stated default");
            Assert.That(new ImageGenerationException(kind, "x").IsTransient, Is.EqualTo(expected), kind.ToString());
            Assert.That(ImageGenerationException.IsTransientKind(kind), Is.EqualTo(expected), kind.ToString());
        }
    }

    [Test]
    public async Task GeneratedImage_SaveAsync_takes_the_token_as_ct_per_the_contract()
    {
        // Named arguments in users' code compile against the contract's parameter name.
        string dir = Path.Combine(Path.GetTempPath(), "imagegen-tests", Guid.NewGuid().ToString("N"));
        try
        {
            GeneratedImage image = new(new byte[] { 4, 5 }, ImageMediaTypes.Png);
            string path = Path.Combine(dir, "b.png");
            await image.SaveAsync(path, ct: CancellationToken.None);
            Assert.That(await File.ReadAllBytesAsync(path), Is.EqualTo(new byte[] { 4, 5 }));
            string?[] names = typeof(GeneratedImage).GetMethod(nameof(GeneratedImage.SaveAsync))!.GetParameters().Select(p => p.Name).ToArray();
            Assert.That(names, Is.EqualTo(new[] { "path", "ct" }));
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [Test]
    public async Task GeneratedImage_SaveAsync_writes_the_bytes_and_creates_the_folder()
    {
        string dir = Path.Combine(Path.GetTempPath(), "imagegen-tests", Guid.NewGuid().ToString("N"));
        try
        {
            GeneratedImage image = new(new byte[] { 1, 2, 3 }, ImageMediaTypes.Png);
            string path = Path.Combine(dir, "sub", "a.png");
            await image.SaveAsync(path);
            Assert.That(await File.ReadAllBytesAsync(path), Is.EqualTo(new byte[] { 1, 2, 3 }));
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [Test]
    public async Task Builder_applies_the_first_Use_outermost()
    {
        List<string> order = [];
        FakeImageGenerator inner = new();
        IImageGenerator generator = new ImageGeneratorBuilder(inner)
            .Use(next => new RecordingLayer(next, "outer", order))
            .Use((next, _) => new RecordingLayer(next, "inner", order))
            .Build();

        await generator.GenerateAsync(new ImageGenerationRequest("a cat"));

        Assert.That(order, Is.EqualTo(new[] { "outer", "inner" }));
        Assert.That(inner.CallCount, Is.EqualTo(1));
    }

    private sealed class RecordingLayer(IImageGenerator inner, string name, List<string> order) : DelegatingImageGenerator(inner)
    {
        public override Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
        {
            order.Add(name);
            return base.GenerateAsync(request, cancellationToken);
        }
    }
}

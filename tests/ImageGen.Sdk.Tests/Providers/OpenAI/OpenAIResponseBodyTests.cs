using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using ImageGen.Sdk.Providers.OpenAI;

namespace ImageGen.Sdk.Tests.Providers.OpenAI;

/// <summary>How the success body's length (announced or not, right or wrong, too large) shapes reading it.</summary>
public class OpenAIResponseBodyTests
{
    private OpenAIMock _mock = null!;

    [SetUp]
    public void SetUp() => _mock = new OpenAIMock();

    [TearDown]
    public void TearDown() => _mock.Dispose();

    [TestCase(null, TestName = "No Content-Length (chunked)")]
    [TestCase(0, TestName = "Content-Length exact")]
    [TestCase(4000, TestName = "Content-Length announces more than arrives")]
    [TestCase(-2000, TestName = "Content-Length announces less than arrives")]
    public async Task Returns_exactly_the_images_of_a_several_image_body_whatever_its_announced_length(int? announcedDelta)
    {
        byte[][] images = [TestImages.Png(48, 40, 1), TestImages.Png(30, 31, 2), TestImages.Png(64, 20, 3)];
        byte[] body = Encoding.UTF8.GetBytes(TestImages.ImagesResponseJson(images));
        _mock.Enqueue(() => Streamed(body, announcedDelta is { } delta ? body.Length + delta : null, [777, 4096, 13]));
        OpenAIImageGenerator generator = _mock.Create();

        ImageGenerationResult result = await generator.GenerateAsync(new ImageGenerationRequest("p") { Count = 3 });

        Assert.That(result.Images.Select(i => i.Data.ToArray()), Is.EqualTo(images));
        Assert.That(result.Images.Select(i => (i.Width, i.Height)), Is.EqualTo(new (int?, int?)[] { (48, 40), (30, 31), (64, 20) }));
    }

    [Test]
    public async Task With_a_content_length_the_images_are_slices_of_one_array_sized_from_it()
    {
        byte[][] images = [TestImages.Png(48, 40, 1), TestImages.Png(30, 31, 2)];
        byte[] body = Encoding.UTF8.GetBytes(TestImages.ImagesResponseJson(images));
        _mock.Enqueue(() => Streamed(body, body.Length, [8192]));
        OpenAIImageGenerator generator = _mock.Create();

        ImageGenerationResult result = await generator.GenerateAsync(new ImageGenerationRequest("p") { Count = 2 });

        Assert.That(MemoryMarshal.TryGetArray(result.Images[0].Data, out ArraySegment<byte> first), Is.True);
        Assert.That(MemoryMarshal.TryGetArray(result.Images[1].Data, out ArraySegment<byte> second), Is.True);
        Assert.That(second.Array, Is.SameAs(first.Array));
        Assert.That(first.Array!.Length, Is.LessThan(images.Sum(i => i.Length) + body.Length / 100 + 400), "no room beyond the JSON around the images");
    }

    [Test]
    public void A_content_length_above_MaxResponseBytes_fails_before_the_body_is_read()
    {
        byte[] body = Encoding.UTF8.GetBytes(TestImages.ImagesResponseJson(TestImages.Png(64, 64)));
        TrickleStream stream = new(body, [1024]);
        _mock.Enqueue(() => Streamed(stream, body.Length, ("x-request-id", "req_big")));
        OpenAIImageGenerator generator = _mock.Create(o => o.MaxResponseBytes = body.Length - 1);

        ImageGenerationException? ex = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(new ImageGenerationRequest("p")));

        Assert.That(ex!.Kind, Is.EqualTo(ImageGenerationErrorKind.InvalidResponse));
        Assert.That(ex.IsTransient, Is.False, "the same request would get the same body");
        Assert.That(ex.Message, Does.Contain("ImageGeneration:MaxResponseBytes"));
        Assert.That(ex.ProviderRequestId, Is.EqualTo("req_big"));
        Assert.That(stream.Position, Is.Zero, "nothing was read");
    }

    [Test]
    public void A_chunked_body_longer_than_MaxResponseBytes_stops_being_read_at_the_limit()
    {
        const int Limit = 100_000;
        byte[] body = Encoding.UTF8.GetBytes(TestImages.ImagesResponseJson(new byte[600_000]));
        TrickleStream stream = new(body, [4096]);
        _mock.Enqueue(() => Streamed(stream, null));
        OpenAIImageGenerator generator = _mock.Create(o => o.MaxResponseBytes = Limit);

        ImageGenerationException? ex = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(new ImageGenerationRequest("p")));

        Assert.That(ex!.Kind, Is.EqualTo(ImageGenerationErrorKind.InvalidResponse));
        Assert.That(ex.IsTransient, Is.False);
        Assert.That(ex.Message, Does.Contain("MaxResponseBytes"));
        Assert.That(stream.Position, Is.InRange(Limit + 1, Limit + (64 * 1024)), "reading stops within one chunk of the limit");
    }

    [Test]
    public void A_body_longer_than_its_content_length_is_still_capped()
    {
        const int Limit = 50_000;
        byte[] body = Encoding.UTF8.GetBytes(TestImages.ImagesResponseJson(new byte[300_000]));
        TrickleStream stream = new(body, [4096]);
        _mock.Enqueue(() => Streamed(stream, 1000));
        OpenAIImageGenerator generator = _mock.Create(o => o.MaxResponseBytes = Limit);

        ImageGenerationException? ex = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(new ImageGenerationRequest("p")));

        Assert.That(ex!.Kind, Is.EqualTo(ImageGenerationErrorKind.InvalidResponse));
        Assert.That(stream.Position, Is.LessThan(Limit + (64 * 1024)));
    }

    [Test]
    public async Task A_body_exactly_at_MaxResponseBytes_is_read()
    {
        byte[] png = TestImages.Png(16, 16);
        byte[] body = Encoding.UTF8.GetBytes(TestImages.ImagesResponseJson(png));
        _mock.Enqueue(() => Streamed(body, body.Length, [1000]));
        OpenAIImageGenerator generator = _mock.Create(o => o.MaxResponseBytes = body.Length);

        ImageGenerationResult result = await generator.GenerateAsync(new ImageGenerationRequest("p"));

        Assert.That(result.Images.Single().Data.ToArray(), Is.EqualTo(png));
    }

    [TestCase(0)]
    [TestCase(-1)]
    [TestCase(4294967296)]
    public void A_MaxResponseBytes_outside_one_array_is_refused_at_construction(long value)
    {
        ArgumentOutOfRangeException? ex = Assert.Throws<ArgumentOutOfRangeException>(() => _mock.Create(o => o.MaxResponseBytes = value));

        Assert.That(ex!.ParamName, Is.EqualTo("options.MaxResponseBytes"));
    }

    [Test]
    public void The_default_limit_fits_ten_uncompressed_4k_rgba_images_as_base64()
    {
        long tenImages = 10L * 3840 * 2160 * 4 * 4 / 3;

        Assert.That(new OpenAIImageGeneratorOptions().MaxResponseBytes, Is.GreaterThan(tenImages));
        Assert.That(new ImageGenerationOptions().MaxResponseBytes, Is.EqualTo(new OpenAIImageGeneratorOptions().MaxResponseBytes));
    }

    private static HttpResponseMessage Streamed(byte[] body, long? contentLength, int[] pieces)
        => Streamed(new TrickleStream(body, pieces), contentLength);

    private static HttpResponseMessage Streamed(Stream stream, long? contentLength, params (string Name, string Value)[] headers)
    {
        StreamContent content = new(stream);
        content.Headers.ContentType = new("application/json");
        content.Headers.ContentLength = contentLength;
        HttpResponseMessage response = new(HttpStatusCode.OK) { Content = content };
        foreach ((string name, string value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response;
    }
}

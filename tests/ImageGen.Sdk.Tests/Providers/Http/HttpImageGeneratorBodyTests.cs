using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ImageGen.Sdk.Tests.Providers.OpenAI;

namespace ImageGen.Sdk.Tests.Providers.Http;

public class HttpImageGeneratorBodyTests
{
    private AcmeMock _mock = null!;

    [SetUp]
    public void SetUp() => _mock = new AcmeMock();

    [TearDown]
    public void TearDown() => _mock.Dispose();

    [Test]
    public async Task A_base64_image_keeps_its_exact_bytes_and_media_type_and_size_come_from_the_bytes()
    {
        byte[] png = TestImages.Png(40, 24);
        _mock.RespondJson(HttpStatusCode.OK, "{\"images\":[{\"base64\":\"" + Convert.ToBase64String(png) + "\",\"content_type\":\"image/jpeg\"}]}", ("x-request-id", "req_ok"));

        ImageGenerationResult result = await _mock.Create().GenerateAsync(new ImageGenerationRequest("p") { Size = new ImageSize(512, 512) });

        GeneratedImage image = result.Images.Single();
        Assert.That(image.Data.ToArray(), Is.EqualTo(png));
        Assert.That(image.MediaType, Is.EqualTo("image/png"), "the bytes win over the provider's label");
        Assert.That((image.Width, image.Height), Is.EqualTo((40, 24)), "the bytes win over the requested size");
        Assert.That(result.ProviderRequestId, Is.EqualTo("req_ok"));
        Assert.That(result.Provider, Is.EqualTo("acme"));
    }

    [Test]
    public async Task Bytes_of_an_unknown_format_fall_back_to_the_hints()
    {
        byte[] unknown = [1, 2, 3, 4, 5, 6, 7, 8];
        _mock.RespondJson(HttpStatusCode.OK, "{\"images\":[{\"base64\":\"" + Convert.ToBase64String(unknown) + "\",\"content_type\":\"image/avif\"},{\"base64\":\"" + Convert.ToBase64String(unknown) + "\"}]}");

        ImageGenerationResult result = await _mock.Create().GenerateAsync(new ImageGenerationRequest("p") { Size = new ImageSize(512, 512), Count = 2 });

        Assert.That(result.Images[0].MediaType, Is.EqualTo("image/avif"));
        Assert.That((result.Images[0].Width, result.Images[0].Height), Is.EqualTo((512, 512)));
        Assert.That(result.Images[1].MediaType, Is.EqualTo("application/octet-stream"));
    }

    [Test]
    public void A_body_cut_off_mid_document_is_a_transient_InvalidResponse_with_status_and_request_id()
    {
        _mock.RespondJson(HttpStatusCode.OK, "{\"images\":[{\"base64\":\"iVBORw0KGgo", ("x-request-id", "req_cut"));

        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => _mock.Create().GenerateAsync(new ImageGenerationRequest("p")))!;

        Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.InvalidResponse));
        Assert.That(ex.IsTransient, Is.True);
        Assert.That(ex.StatusCode, Is.EqualTo(200));
        Assert.That(ex.ProviderRequestId, Is.EqualTo("req_cut"));
    }

    [Test]
    public void A_complete_but_malformed_body_is_a_permanent_InvalidResponse()
    {
        _mock.RespondJson(HttpStatusCode.OK, "{\"images\":\"not a list\"}");

        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => _mock.Create().GenerateAsync(new ImageGenerationRequest("p")))!;

        Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.InvalidResponse));
        Assert.That(ex.IsTransient, Is.False);
        Assert.That(ex.StatusCode, Is.EqualTo(200));
    }

    [Test]
    public void A_content_length_above_the_cap_is_refused_before_reading()
    {
        ProbeStream body = new(new byte[4096]);
        _mock.Respond(() =>
        {
            StreamContent content = new(body);
            content.Headers.ContentLength = 4096;
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
        });

        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => _mock.Create(o => o.MaxResponseBytes = 1024).GenerateAsync(new ImageGenerationRequest("p")))!;

        Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.InvalidResponse));
        Assert.That(ex.IsTransient, Is.False);
        Assert.That(ex.Message, Does.Contain("1024-byte limit"));
        Assert.That(body.BytesRead, Is.Zero);
    }

    [Test]
    public void A_chunked_body_stops_being_read_at_the_cap()
    {
        byte[] json = Encoding.UTF8.GetBytes("{\"images\":[{\"base64\":\"" + new string('A', 64 * 1024) + "\"}]}");
        ProbeStream body = new(json, chunk: 512);
        _mock.Respond(() => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(body) });

        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => _mock.Create(o => o.MaxResponseBytes = 4096).GenerateAsync(new ImageGenerationRequest("p")))!;

        Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.InvalidResponse));
        Assert.That(ex.IsTransient, Is.False);
        Assert.That(body.BytesRead, Is.LessThanOrEqualTo(4096 + 512));
    }

    [Test]
    public void A_200_without_images_is_the_providers_refusal_with_status_and_code()
    {
        _mock.RespondJson(HttpStatusCode.OK, "{\"images\":[],\"finish_reason\":\"CONTENT_FILTERED\"}", ("x-request-id", "req_f"));

        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => _mock.Create().GenerateAsync(new ImageGenerationRequest("p")))!;

        Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.ContentFiltered));
        Assert.That(ex.StatusCode, Is.EqualTo(200));
        Assert.That(ex.ProviderErrorCode, Is.EqualTo("CONTENT_FILTERED"));
        Assert.That(ex.ProviderRequestId, Is.EqualTo("req_f"));
    }

    [Test]
    public async Task A_result_url_is_downloaded_without_the_providers_credentials()
    {
        byte[] png = TestImages.Png(16, 16);
        _mock.RespondJson(HttpStatusCode.OK, "{\"images\":[{\"url\":\"https://cdn.acme.example/r/1.png?sig=s\"}]}");
        _mock.ServeDownload(() => new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(png) });
        List<ImageGenerationProgress> reports = [];

        ImageGenerationResult result = await _mock.Create().GenerateAsync(new ImageGenerationRequest("p") { Progress = new SyncProgress(reports) });

        Assert.That(result.Images.Single().Data.ToArray(), Is.EqualTo(png));
        Assert.That(result.Images[0].SourceUri, Is.EqualTo(new Uri("https://cdn.acme.example/r/1.png?sig=s")));
        HttpRequestMessage download = _mock.DownloadRequests.Single();
        Assert.That(download.Headers.Authorization, Is.Null);
        Assert.That(download.Headers.Select(h => string.Join(",", h.Value)), Has.None.Contains(AcmeMock.ApiKey));
        Assert.That(_mock.ApiRequests.Single().Headers.Authorization?.Parameter, Is.EqualTo(AcmeMock.ApiKey), "the API call itself does carry the key");
        Assert.That(reports.Select(r => r.Stage), Is.EqualTo(new[] { ImageGenerationStage.Downloading, ImageGenerationStage.Done }));
        Assert.That(reports.Select(r => r.Provider), Is.All.EqualTo("acme"));
    }

    [Test]
    public void A_download_above_the_cap_is_an_InvalidResponse_whether_announced_or_streamed()
    {
        _mock.RespondJson(HttpStatusCode.OK, "{\"images\":[{\"url\":\"https://cdn.acme.example/big.png\"}]}");
        bool announce = true;
        _mock.ServeDownload(() =>
        {
            HttpContent content = announce ? new ByteArrayContent(new byte[2048]) : new StreamContent(new ProbeStream(new byte[2048], chunk: 256));
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
        });
        AcmeImageGenerator generator = _mock.Create(o => o.MaxDownloadBytes = 1000);

        ImageGenerationException announced = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(new ImageGenerationRequest("p")))!;
        announce = false;
        ImageGenerationException streamed = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(new ImageGenerationRequest("p")))!;

        Assert.That(announced.Kind, Is.EqualTo(ImageGenerationErrorKind.InvalidResponse));
        Assert.That(streamed.Kind, Is.EqualTo(ImageGenerationErrorKind.InvalidResponse));
        Assert.That(streamed.Message, Does.Contain("1000-byte download limit"));
    }

    [Test]
    public void An_expired_result_url_fails_with_the_download_status()
    {
        _mock.RespondJson(HttpStatusCode.OK, "{\"images\":[{\"url\":\"https://cdn.acme.example/gone.png\"}]}");
        _mock.ServeDownload(() => new HttpResponseMessage(HttpStatusCode.Forbidden));

        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => _mock.Create().GenerateAsync(new ImageGenerationRequest("p")))!;

        Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.InvalidResponse));
        Assert.That(ex.StatusCode, Is.EqualTo(403));
        Assert.That(ex.Message, Does.Contain("may have expired"));
    }

    /// <summary>Reports synchronously (unlike <see cref="Progress{T}"/>), so a test sees every report when the call returns.</summary>
    private sealed class SyncProgress(List<ImageGenerationProgress> reports) : IProgress<ImageGenerationProgress>
    {
        public void Report(ImageGenerationProgress value)
        {
            lock (reports)
            {
                reports.Add(value);
            }
        }
    }

    /// <summary>A stream that counts what was read from it, a chunk at a time.</summary>
    private sealed class ProbeStream(byte[] data, int chunk = 64 * 1024) : MemoryStream(data)
    {
        public long BytesRead { get; private set; }

        public override int Read(byte[] buffer, int offset, int count) => Count(base.Read(buffer, offset, Math.Min(count, chunk)));

        public override int Read(Span<byte> buffer) => Count(base.Read(buffer[..Math.Min(buffer.Length, chunk)]));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => Task.FromResult(Read(buffer, offset, count));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            => ValueTask.FromResult(Read(buffer.Span));

        private int Count(int read)
        {
            BytesRead += read;
            return read;
        }
    }
}

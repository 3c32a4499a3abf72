using System.Net;
using System.Text;
using System.Text.Json;
using ImageGen.Sdk.Providers;
using ImageGen.Sdk.Providers.OpenAI;
using RichardSzalay.MockHttp;

namespace ImageGen.Sdk.Tests.Providers.OpenAI;

/// <summary>A MockHttp-backed OpenAI endpoint that records what the client sent.</summary>
public sealed class OpenAIMock : IDisposable
{
    public const string ApiKey = "sk-test-0123456789abcdefghijKLMN";

    private readonly Queue<Func<HttpResponseMessage>> _responses = new();

    // Requests may arrive concurrently; the recording lists are plain lists, so recording is serialised.
    private readonly object _gate = new();

    public OpenAIMock()
    {
        Handler.Fallback.Respond(async request =>
        {
            byte[] raw = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync();
            Func<HttpResponseMessage>? next;
            lock (_gate)
            {
                Requests.Add(request);
                RequestHeaders.Add(request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase));
                RawBodies.Add(raw);
                ContentTypes.Add(request.Content?.Headers.ContentType?.ToString());
                Bodies.Add(Encoding.UTF8.GetString(raw));
                next = _responses.Count > 0 ? _responses.Dequeue() : null;
            }

            return next is not null ? next() : Json(TestImages.ImagesResponseJson(TestImages.Png(8, 8)));
        });
        Downloads.Fallback.Respond(request =>
        {
            lock (_gate)
            {
                DownloadRequests.Add(request);
                DownloadAuthorization.Add(request.Headers.Authorization?.ToString() ?? (request.Headers.Contains("api-key") ? "api-key" : null));
            }

            return DownloadResponse?.Invoke(request) ?? new HttpResponseMessage(HttpStatusCode.NotFound);
        });
    }

    public MockHttpMessageHandler Handler { get; } = new();

    public MockHttpMessageHandler Downloads { get; } = new();

    public List<HttpRequestMessage> Requests { get; } = [];

    public List<Dictionary<string, string>> RequestHeaders { get; } = [];

    public List<string> Bodies { get; } = [];

    public List<byte[]> RawBodies { get; } = [];

    public List<string?> ContentTypes { get; } = [];

    public List<HttpRequestMessage> DownloadRequests { get; } = [];

    public List<string?> DownloadAuthorization { get; } = [];

    public Func<HttpRequestMessage, HttpResponseMessage>? DownloadResponse { get; set; }

    public ManualTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));

    public JsonElement LastBody => JsonDocument.Parse(Bodies[^1]).RootElement;

    public void Enqueue(Func<HttpResponseMessage> response) => _responses.Enqueue(response);

    public void Enqueue(HttpStatusCode status, string body, params (string Name, string Value)[] headers)
        => Enqueue(() => Json(body, status, headers));

    public OpenAIImageGenerator Create(Action<OpenAIImageGeneratorOptions>? configure = null)
    {
        OpenAIImageGeneratorOptions options = new() { ApiKey = ApiKey };
        configure?.Invoke(options);
        return new OpenAIImageGenerator(options, new ProviderTransport(Handler.ToHttpClient(), Downloads.ToHttpClient()) { TimeProvider = Time });
    }

    public static HttpResponseMessage Json(string body, HttpStatusCode status = HttpStatusCode.OK, params (string Name, string Value)[] headers)
    {
        HttpResponseMessage response = new(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        foreach ((string name, string value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response;
    }

    public void Dispose()
    {
        Handler.Dispose();
        Downloads.Dispose();
    }
}

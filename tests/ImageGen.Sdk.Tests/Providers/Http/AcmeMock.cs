using System.Net;
using System.Text;
using ImageGen.Sdk.Providers;
using ImageGen.Sdk.Tests.TestSupport;
using RichardSzalay.MockHttp;

namespace ImageGen.Sdk.Tests.Providers.Http;

/// <summary>A MockHttp Acme endpoint plus a download host, recording what each received.</summary>
public sealed class AcmeMock : IDisposable
{
    public const string ApiKey = "sk-acme-0123456789abcdefghijKLMN";

    public MockHttpMessageHandler Api { get; } = new();

    public MockHttpMessageHandler Downloads { get; } = new();

    public ManualTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero));

    public List<HttpRequestMessage> ApiRequests { get; } = [];

    public List<HttpRequestMessage> DownloadRequests { get; } = [];

    public void Respond(Func<HttpResponseMessage> response)
        => Api.Fallback.Respond(request =>
        {
            lock (ApiRequests)
            {
                ApiRequests.Add(request);
            }

            return response();
        });

    public void RespondJson(HttpStatusCode status, string json, params (string Name, string Value)[] headers)
        => Respond(() => Json(status, json, headers));

    public void ServeDownload(Func<HttpResponseMessage> response)
        => Downloads.Fallback.Respond(request =>
        {
            lock (DownloadRequests)
            {
                DownloadRequests.Add(request);
            }

            return response();
        });

    public AcmeImageGenerator Create(Action<AcmeImageGeneratorOptions>? configure = null)
    {
        AcmeImageGeneratorOptions options = new() { ApiKey = ApiKey };
        configure?.Invoke(options);
        return new AcmeImageGenerator(options, new ProviderTransport(Api.ToHttpClient(), Downloads.ToHttpClient()) { TimeProvider = Time });
    }

    public static HttpResponseMessage Json(HttpStatusCode status, string json, params (string Name, string Value)[] headers)
    {
        HttpResponseMessage response = new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        foreach ((string name, string value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response;
    }

    public static string ImagesJson(byte[] image) => "{\"images\":[{\"base64\":\"" + Convert.ToBase64String(image) + "\"}]}";

    public void Dispose()
    {
        Api.Dispose();
        Downloads.Dispose();
    }
}

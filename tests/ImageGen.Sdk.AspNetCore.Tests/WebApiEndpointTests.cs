using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace ImageGen.Sdk.AspNetCore.Tests;

/// <summary>The WebApi sample's endpoints on its offline Local provider, in the in-memory test server.</summary>
[TestFixture]
public sealed class WebApiEndpointTests
{
    private WebApiFactory _factory = null!;
    private HttpClient _client = null!;

    [SetUp]
    public void SetUp()
    {
        _factory = new WebApiFactory();
        _client = _factory.CreateClient();
    }

    [TearDown]
    public async Task TearDown()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    [Test]
    public async Task Post_images_answers_the_png_of_the_requested_size_with_metadata_headers_and_caches_it()
    {
        using HttpResponseMessage first = await _client.PostAsJsonAsync("/images", new { prompt = "a red backpack", size = "320x200" });
        using HttpResponseMessage second = await _client.PostAsJsonAsync("/images", new { prompt = "a red backpack", size = "320x200" });

        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(first.Content.Headers.ContentType?.MediaType, Is.EqualTo("image/png"));
        byte[] png = await first.Content.ReadAsByteArrayAsync();
        Assert.That(Png.Size(png), Is.EqualTo((320, 200)));
        Assert.Multiple(() =>
        {
            Assert.That(Header(first, "X-ImageGen-Provider"), Is.EqualTo("local"));
            Assert.That(Header(first, "X-ImageGen-Model"), Is.EqualTo("local-png"));
            Assert.That(Header(first, "X-ImageGen-From-Cache"), Is.EqualTo("false"));
            Assert.That(Header(first, "X-ImageGen-Estimated-Cost-Usd"), Is.EqualTo("0"));
            Assert.That(Header(second, "X-ImageGen-From-Cache"), Is.EqualTo("true"));
        });
        Assert.That(await second.Content.ReadAsByteArrayAsync(), Is.EqualTo(png));
    }

    [Test]
    public async Task Post_images_with_Accept_json_answers_metadata_and_the_image_as_a_data_url()
    {
        using HttpRequestMessage request = new(HttpMethod.Post, "/images") { Content = JsonContent.Create(new { prompt = "a lighthouse", size = "256x128" }) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        using HttpResponseMessage response = await _client.SendAsync(request);
        using JsonDocument json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        JsonElement root = json.RootElement;

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("provider").GetString(), Is.EqualTo("local"));
            Assert.That(root.GetProperty("fromCache").GetBoolean(), Is.False);
            Assert.That(root.GetProperty("attempts").GetInt32(), Is.EqualTo(1));
            Assert.That(root.GetProperty("width").GetInt32(), Is.EqualTo(256));
            Assert.That(root.GetProperty("height").GetInt32(), Is.EqualTo(128));
            Assert.That(root.GetProperty("mediaType").GetString(), Is.EqualTo("image/png"));
        });
        string dataUrl = root.GetProperty("image").GetString()!;
        Assert.That(dataUrl, Does.StartWith("data:image/png;base64,"));
        Assert.That(Png.Size(Convert.FromBase64String(dataUrl["data:image/png;base64,".Length..])), Is.EqualTo((256, 128)));
    }

    [Test]
    public async Task Cache_stats_count_the_miss_and_the_hit_and_delete_empties_the_cache()
    {
        (await _client.PostAsJsonAsync("/images", new { prompt = "a bowl of ramen", size = "64x64" })).Dispose();
        (await _client.PostAsJsonAsync("/images", new { prompt = "a bowl of ramen", size = "64x64" })).Dispose();

        using JsonDocument before = JsonDocument.Parse(await _client.GetStringAsync("/images/cache/stats"));
        Assert.That(before.RootElement.GetProperty("hits").GetInt64(), Is.EqualTo(1));
        Assert.That(before.RootElement.GetProperty("misses").GetInt64(), Is.EqualTo(1));
        Assert.That(before.RootElement.GetProperty("entries").GetInt64(), Is.EqualTo(1));

        using HttpResponseMessage deleted = await _client.DeleteAsync("/images/cache");
        Assert.That(deleted.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));

        using JsonDocument after = JsonDocument.Parse(await _client.GetStringAsync("/images/cache/stats"));
        Assert.That(after.RootElement.GetProperty("entries").GetInt64(), Is.Zero);
        using HttpResponseMessage again = await _client.PostAsJsonAsync("/images", new { prompt = "a bowl of ramen", size = "64x64" });
        Assert.That(Header(again, "X-ImageGen-From-Cache"), Is.EqualTo("false"), "cleared entries are generated again");
    }

    [Test]
    public async Task Health_answers_healthy()
    {
        using HttpResponseMessage response = await _client.GetAsync("/health");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("Healthy"));
    }

    [Test]
    public async Task The_root_serves_the_page_with_the_form()
    {
        using HttpResponseMessage response = await _client.GetAsync("/");
        string html = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
        Assert.That(html, Does.Contain("<form id=\"generate\">").And.Contain("id=\"result\""));
    }

    private static string Header(HttpResponseMessage response, string name)
        => response.Headers.TryGetValues(name, out IEnumerable<string>? values) ? string.Join(",", values) : "(none)";
}

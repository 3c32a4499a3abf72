using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace ImageGen.Sdk.AspNetCore.Tests;

/// <summary>
/// The WebApi sample's page in a real headless chromium, against the app on a real 127.0.0.1 port (Kestrel, not the
/// in-memory test server): submit the form, wait for the image, check its decoded size, keep a screenshot.
/// </summary>
[TestFixture]
[Category("Browser")]
public sealed class BrowserTests
{
    [Test]
    public async Task The_page_submits_a_prompt_and_shows_an_image_of_the_requested_size()
    {
        string? executable = Chromium.Find();
        if (executable is null)
        {
            // CI installs chromium (.ci/run), so there a missing browser is a failure, not a skip.
            if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
            {
                Assert.Ignore("chromium is not installed (apt-get install chromium); the browser test runs in CI.");
            }

            Assert.Fail("CI is set but chromium is not on the PATH.");
        }

        using CancellationTokenSource timeout = new(TimeSpan.FromSeconds(90));
        CancellationToken ct = timeout.Token;
        await using WebApiFactory factory = new();
        factory.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        Uri app = new(factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        Assert.That(app.Host, Is.EqualTo("127.0.0.1"));

        await using Chromium browser = await Chromium.StartAsync(executable!, app, ct);
        await using DevToolsSession page = await browser.ConnectToPageAsync(ct);

        await WaitForFormAsync(page, ct);
        JsonElement shown = await page.EvaluateAsync("""
            new Promise((resolve, reject) => {
              const form = document.getElementById('generate');
              form.prompt.value = 'a lighthouse at dusk';
              form.size.value = '256x256';
              form.requestSubmit();
              const image = document.getElementById('result');
              const error = document.getElementById('error');
              const check = () => {
                if (!image.hidden && image.complete && image.naturalWidth > 0) {
                  resolve({ width: image.naturalWidth, height: image.naturalHeight, badges: document.getElementById('badges').textContent });
                } else if (error.textContent && error.textContent !== 'generating…') {
                  reject(new Error(error.textContent));
                } else {
                  setTimeout(check, 50);
                }
              };
              check();
            })
            """, ct);

        JsonElement screenshot = await page.SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png" }, ct);
        string path = Path.Combine(TestContext.CurrentContext.WorkDirectory, "webapi-page.png");
        await File.WriteAllBytesAsync(path, Convert.FromBase64String(screenshot.GetProperty("data").GetString()!), ct);
        TestContext.AddTestAttachment(path, "The WebApi sample's page after generating a 256x256 image");

        Assert.Multiple(() =>
        {
            Assert.That(shown.GetProperty("width").GetInt32(), Is.EqualTo(256));
            Assert.That(shown.GetProperty("height").GetInt32(), Is.EqualTo(256));
            Assert.That(shown.GetProperty("badges").GetString(), Does.Contain("local/local-png").And.Contain("generated").And.Contain("$0.0000"));
        });
    }

    private static async Task WaitForFormAsync(DevToolsSession page, CancellationToken ct)
    {
        const string Ready = """
            new Promise(resolve => {
              const check = () => document.readyState === 'complete' && document.getElementById('generate') ? resolve(true) : setTimeout(check, 50);
              check();
            })
            """;
        // The tab may still be committing the navigation to the start URL, which destroys the context an evaluation
        // runs in; evaluate again in the new document.
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                if ((await page.EvaluateAsync(Ready, ct)).ValueKind == JsonValueKind.True
                    && (await page.EvaluateAsync("location.pathname", ct)).GetString() == "/")
                {
                    return;
                }
            }
            catch (InvalidOperationException) when (attempt < 20)
            {
            }

            await Task.Delay(100, ct);
        }
    }
}

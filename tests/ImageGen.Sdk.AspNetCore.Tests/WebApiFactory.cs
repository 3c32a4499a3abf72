using ImageGen.Sdk;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace ImageGen.Sdk.AspNetCore.Tests;

/// <summary>
/// Hosts the WebApi sample. The provider environment variables are ignored so the app stays on its Local provider
/// wherever the tests run; a test may replace the generator or reconfigure providers.
/// </summary>
public sealed class WebApiFactory : WebApplicationFactory<Program>
{
    private readonly Action<IServiceCollection>? _configureServices;

    public WebApiFactory(Action<IServiceCollection>? configureServices = null)
    {
        _configureServices = configureServices;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureTestServices(services =>
        {
            services.Configure<ImageGenerationOptions>(o =>
            {
                // The sample switches to OpenAI when OPENAI_API_KEY is set: undo that, so no test can reach a provider.
                o.Providers.Remove("openai");
                o.DefaultProvider = "local";
            });
            _configureServices?.Invoke(services);
        });
    }
}

using ImageGen.Sdk.Providers;
using ImageGen.Sdk.Tests.Providers.OpenAI;
using Microsoft.Extensions.DependencyInjection;

namespace ImageGen.Sdk.Tests.DependencyInjection;

public class HttpClientNameTests
{
    [TestCase("openai", "ImageGen.openai")]
    [TestCase("OpenAI", "ImageGen.openai")]
    [TestCase("My-Gateway", "ImageGen.my-gateway")]
    public void A_provider_client_name_is_the_provider_name_lower_cased(string providerName, string expected)
    {
        Assert.That(ImageGenerationHttpClientNames.ForProvider(providerName), Is.EqualTo(expected));
        Assert.That(new ImageProviderContext(providerName, new ImageProviderOptions(), null, new ServiceCollection().BuildServiceProvider()).HttpClientName, Is.EqualTo(expected));
    }

    [TestCase("OpenAI")]
    [TestCase("openai")]
    [TestCase("MyGateway")]
    public async Task Provider_calls_go_through_the_lower_cased_named_client_whatever_the_configured_spelling(string configuredName)
    {
        using OpenAIMock mock = new();
        ServiceCollection services = new();
        services.AddImageGeneration(o => o.Providers[configuredName] = new ImageProviderOptions
        {
            Type = "OpenAI",
            ApiKey = OpenAIMock.ApiKey,
            BaseUrl = "https://gateway.test/v1",
        });
        services.UseFakeEnvironment();

        // What an app writes to add its own handler: the documented lower-case name, not the configured spelling.
        services.AddHttpClient("ImageGen." + configuredName.ToLowerInvariant()).ConfigurePrimaryHttpMessageHandler(() => mock.Handler);
        await using ServiceProvider provider = services.BuildServiceProvider();

        ImageGenerationResult result = await provider.GetRequiredService<IImageGenerator>().GenerateAsync(new ImageGenerationRequest("p"));

        Assert.That(mock.Requests.Single().RequestUri, Is.EqualTo(new Uri("https://gateway.test/v1/images/generations")));
        Assert.That(result.Images, Has.Count.EqualTo(1));
    }
}

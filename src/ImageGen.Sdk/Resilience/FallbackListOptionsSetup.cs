using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace ImageGen.Sdk.Resilience;

/// <summary>
/// Accepts the short form of the fallback order, a plain list (<c>"Fallback": ["openai", "azure"]</c>, i.e.
/// <c>ImageGeneration:Fallback:0</c>, <c>:1</c>, ...), which configuration binding would otherwise ignore silently
/// because <see cref="FallbackOptions"/> is an object.
/// </summary>
/// <remarks>It reads the application's <see cref="IConfiguration"/>, where <c>AddImageGeneration()</c> binds from.
/// The long form <c>Fallback:Providers:{i}</c> works with every overload and wins when both are present.</remarks>
internal sealed class FallbackListOptionsSetup : IPostConfigureOptions<ImageGenerationOptions>
{
    private readonly IConfiguration? _configuration;

    public FallbackListOptionsSetup(IServiceProvider services)
        => _configuration = services.GetService(typeof(IConfiguration)) as IConfiguration;

    public void PostConfigure(string? name, ImageGenerationOptions options)
    {
        if (_configuration is null || options.Fallback.Providers.Count > 0)
        {
            return;
        }

        IEnumerable<(int Index, string Name)> listed = _configuration
            .GetSection($"{ImageGenerationOptions.SectionName}:Fallback")
            .GetChildren()
            .Select(child => (Ok: int.TryParse(child.Key, NumberStyles.None, CultureInfo.InvariantCulture, out int index), Index: index, child.Value))
            .Where(child => child.Ok && !string.IsNullOrWhiteSpace(child.Value))
            .Select(child => (child.Index, child.Value!.Trim()))
            .OrderBy(child => child.Index);
        foreach ((_, string provider) in listed)
        {
            options.Fallback.Providers.Add(provider);
        }
    }
}

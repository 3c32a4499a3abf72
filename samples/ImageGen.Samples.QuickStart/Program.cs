// Quick start: generate one image through the full ImageGen.Sdk stack and save it under output/.
// Offline it uses the built-in Local provider; with OPENAI_API_KEY (or AZURE_OPENAI_API_KEY + AZURE_OPENAI_ENDPOINT)
// set, the same code calls the real provider.
using System.Diagnostics;
using ImageGen.Sdk;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

string prompt = args.Length > 0 ? string.Join(' ', args) : "a red backpack on a white background";

HostApplicationBuilder builder = Host.CreateApplicationBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddImageGeneration();
// A sample runs offline: with no provider configured and no key in the environment it uses the placeholder Local
// provider. Outside Development an app must opt in to that explicitly, like this, or start-up fails.
builder.Services.Configure<ImageGenerationOptions>(o => o.UseLocalWhenUnconfigured ??= true);

using IHost host = builder.Build();
await host.StartAsync();

IImageGenerator generator = host.Services.GetRequiredService<IImageGenerator>();
Stopwatch stopwatch = Stopwatch.StartNew();
try
{
    ImageGenerationResult result = await generator.GenerateAsync(new ImageGenerationRequest(prompt) { Size = new ImageSize(1024, 1024) });
    stopwatch.Stop();

    GeneratedImage image = result.Images[0];
    string path = Path.GetFullPath(Path.Combine("output", $"image-{DateTime.UtcNow:yyyyMMdd-HHmmss}{ImageMediaTypes.ToExtension(image.MediaType)}"));
    await image.SaveAsync(path);

    Console.WriteLine($"provider : {result.Provider}");
    Console.WriteLine($"model    : {result.Model}");
    Console.WriteLine($"size     : {image.Width?.ToString() ?? "?"}x{image.Height?.ToString() ?? "?"} ({image.Data.Length:N0} bytes, {image.MediaType})");
    Console.WriteLine($"elapsed  : {stopwatch.Elapsed.TotalMilliseconds:N0} ms");
    Console.WriteLine($"saved to : {path}");
    if (host.Services.GetRequiredService<IImageProviderCatalog>().Find(result.Provider)?.ProviderType == ImageProviderTypes.Local)
    {
        Console.WriteLine("hint     : this is an offline placeholder from the Local provider; set OPENAI_API_KEY to use OpenAI");
    }

    return 0;
}
catch (ImageGenerationException ex)
{
    Console.Error.WriteLine($"generation failed: {ex.Kind} (provider {ex.Provider}, status {ex.StatusCode}, code {ex.ProviderErrorCode}, request {ex.ProviderRequestId}): {ex.Message}");
    return 1;
}
finally
{
    await host.StopAsync();
}

// One app that uses ImageGen.Sdk and Microsoft.Extensions.AI in the same file, with the SDK's traces and metrics
// written to the console by OpenTelemetry. Offline by default: with no provider key set, the Local provider draws.
//
//   dotnet run --project samples/ImageGen.Samples.Observability -- "a lighthouse at dusk"
using ImageGen.Sdk;
using ImageGen.Sdk.Telemetry;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

// Both namespaces define these names (CS0104 without the aliases): each alias picks one library's type.
using IImageGenerator = ImageGen.Sdk.IImageGenerator;
using ImageGenerationRequest = ImageGen.Sdk.ImageGenerationRequest;
using MeaiImageGenerationOptions = Microsoft.Extensions.AI.ImageGenerationOptions;
using MeaiImageGenerator = Microsoft.Extensions.AI.IImageGenerator;

string prompt = args.Length > 0 ? string.Join(' ', args) : "a lighthouse at dusk";

HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);
// The stack records one generate_content span and the duration/token histograms per call (telemetry is built in).
builder.Services.AddImageGeneration()
    .AddMeaiImageGenerator();    // the same stack as Microsoft.Extensions.AI.IImageGenerator
// A sample runs offline: with no provider configured and no key in the environment it uses the placeholder Local
// provider. Outside Development an app must opt in to that explicitly, like this, or start-up fails.
builder.Services.Configure<ImageGen.Sdk.ImageGenerationOptions>(o => o.UseLocalWhenUnconfigured ??= true);
builder.Services.AddOpenTelemetry()
    .WithTracing(tracing => tracing.AddSource(ImageGenerationTelemetry.SourceName).AddConsoleExporter())
    .WithMetrics(metrics => metrics.AddMeter(ImageGenerationTelemetry.MeterName).AddConsoleExporter());

using IHost host = builder.Build();
await host.StartAsync();

// ImageGen.Sdk's own interface: the full request model.
IImageGenerator images = host.Services.GetRequiredService<IImageGenerator>();
ImageGenerationResult result = await images.GenerateAsync(new ImageGenerationRequest(prompt) { Size = new ImageSize(256, 256) });
Console.WriteLine($"ImageGen.Sdk: {result.Images.Count} image(s) from {result.Provider}/{result.Model}, cache hit: {result.FromCache}");

// The same stack through Microsoft.Extensions.AI: an identical request is served from the cache.
MeaiImageGenerator meai = host.Services.GetRequiredService<MeaiImageGenerator>();
ImageGenerationResponse response = await meai.GenerateImagesAsync(prompt, new MeaiImageGenerationOptions { ImageSize = new System.Drawing.Size(256, 256) });
ImageGenerationResult raw = (ImageGenerationResult)response.RawRepresentation!;
Console.WriteLine($"Microsoft.Extensions.AI: {response.Contents.Count} image(s), {((DataContent)response.Contents[0]).Data.Length} bytes, cache hit: {raw.FromCache}");

// Stopping the host flushes the metrics to the console exporter.
await host.StopAsync();

// Web API: POST /images generates (the image bytes, or JSON with metadata for Accept: application/json),
// GET /images/cache/stats and DELETE /images/cache manage the cache, GET /health answers probes, and / serves a small
// page to try it. Failures become problem details (400, 422, 429 with Retry-After, 502, 503, 504) through
// AddImageGenerationProblemDetails(). Offline on the Local provider of appsettings.json; OpenAI with OPENAI_API_KEY.
//
//   dotnet run --project samples/ImageGen.Samples.WebApi    then open http://localhost:5000
using ImageGen.Samples.WebApi;
using ImageGen.Sdk;
using ImageGen.Sdk.AspNetCore;

WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
builder.Services.AddImageGeneration();
builder.Services.AddImageGenerationProblemDetails();
builder.Services.AddHealthChecks();
if (Environment.GetEnvironmentVariable("OPENAI_API_KEY") is { Length: > 0 } openAiKey)
{
    // A key in the environment switches to OpenAI; appsettings.json only configures the offline provider.
    builder.Services.Configure<ImageGenerationOptions>(o =>
    {
        o.Providers["openai"] = new ImageProviderOptions { Type = ImageProviderTypes.OpenAI, ApiKey = openAiKey };
        o.DefaultProvider = "openai";
    });
}

WebApplication app = builder.Build();
app.UseExceptionHandler();
app.UseDefaultFiles();
app.UseStaticFiles();

app.MapPost("/images", ImageEndpoints.GenerateAsync);
app.MapGet("/images/cache/stats", (IImageCache cache) => TypedResults.Ok(cache.GetStatistics()));
app.MapDelete("/images/cache", async (IImageCache cache, CancellationToken ct) =>
{
    await cache.ClearAsync(ct);
    return TypedResults.NoContent();
});
app.MapHealthChecks("/health");

app.Run();

/// <summary>The entry point, public so tests can host the app with <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;

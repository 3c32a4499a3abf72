#!/usr/bin/env bash
# Proves the package CI packed works from a consumer app: usage `package-consumer.sh <feed directory>`, the directory
# `dotnet pack` wrote to. Every package there carries README, LICENSE and XML docs, and an app that references only
# the ImageGen.Sdk package from that directory can register OpenAI against a loopback server, receive exactly the
# bytes the server sent, and see a provider error as ImageGenerationException of the right Kind.
# The packages must have a version no earlier run restored (CI packs with a unique suffix): NuGet would otherwise
# use the copy in its cache.
set -euo pipefail
if [ $# -ne 1 ] || [ ! -d "$1" ]; then
  echo "usage: $0 <directory holding the packed .nupkg files>" >&2
  exit 2
fi
feed=$(cd "$1" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

shopt -s nullglob
packages=("$feed"/*.nupkg)
sdk_packages=("$feed"/ImageGen.Sdk.[0-9]*.nupkg)
shopt -u nullglob
if [ "${#sdk_packages[@]}" -ne 1 ]; then
  echo "package-consumer: expected one ImageGen.Sdk package in $feed, found ${#sdk_packages[@]}" >&2
  exit 1
fi
nupkg=${sdk_packages[0]}
version=$(basename "$nupkg" .nupkg | sed 's/^ImageGen\.Sdk\.//')

for package in "${packages[@]}"; do
  id=$(basename "$package" .nupkg | sed "s/\.$version\$//")
  listing=$(unzip -l "$package")
  for expected in README.md LICENSE "lib/net10.0/$id.dll" "lib/net10.0/$id.xml"; do
    if ! grep -q " $expected\$" <<<"$listing"; then
      echo "package-consumer: $expected missing from $(basename "$package")" >&2
      exit 1
    fi
  done
  echo "package-consumer: $(basename "$package") carries README.md, LICENSE, $id.dll and $id.xml"
done

mkdir -p "$work/app"
# Adds the local feed; the machine's configured sources stay in effect for everything else.
cat > "$work/app/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="local-feed" value="$feed" />
  </packageSources>
</configuration>
XML
cat > "$work/app/Consumer.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
  </PropertyGroup>
  <ItemGroup>
    <FrameworkReference Include="Microsoft.AspNetCore.App" />
    <PackageReference Include="ImageGen.Sdk" Version="$version" />
  </ItemGroup>
</Project>
XML
cat > "$work/app/Program.cs" <<'CS'
using ImageGen.Sdk;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

byte[] png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC");
bool quotaExhausted = false;

WebApplicationBuilder serverBuilder = WebApplication.CreateSlimBuilder();
serverBuilder.WebHost.UseUrls("http://127.0.0.1:0");
serverBuilder.Logging.ClearProviders();
await using WebApplication server = serverBuilder.Build();
server.MapPost("/v1/images/generations", (HttpContext context) =>
{
    if (context.Request.Headers.Authorization != "Bearer consumer-test-key")
    {
        return Results.StatusCode(401);
    }

    context.Response.Headers["x-request-id"] = "req_consumer";
    if (quotaExhausted)
    {
        return Results.Text("""{"error":{"message":"You exceeded your current quota.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}""", "application/json", statusCode: 429);
    }

    return Results.Text($$$"""{"created":1713833628,"data":[{"b64_json":"{{{Convert.ToBase64String(png)}}}"}],"usage":{"input_tokens":10,"output_tokens":20,"total_tokens":30}}""", "application/json");
});
await server.StartAsync();
string baseUrl = server.Urls.First() + "/v1";

ServiceCollection services = new();
services.AddImageGeneration(options => options.Providers["openai"] = new ImageProviderOptions
{
    Type = "OpenAI",
    ApiKey = "consumer-test-key",
    BaseUrl = baseUrl,
});
await using ServiceProvider provider = services.BuildServiceProvider();
IImageGenerator generator = provider.GetRequiredService<IImageGenerator>();

ImageGenerationResult result = await generator.GenerateAsync(new ImageGenerationRequest("a red backpack") { Cache = CacheMode.Bypass });
if (!result.Images[0].Data.Span.SequenceEqual(png) || result.Provider != "openai")
{
    Console.Error.WriteLine("consumer: the image bytes differ from what the server sent");
    return 1;
}

quotaExhausted = true;
try
{
    await generator.GenerateAsync(new ImageGenerationRequest("another backpack") { Cache = CacheMode.Bypass });
    Console.Error.WriteLine("consumer: expected an ImageGenerationException");
    return 1;
}
catch (ImageGenerationException ex) when (ex.Kind == ImageGenerationErrorKind.QuotaExceeded && ex.StatusCode == 429 && ex.ProviderRequestId == "req_consumer")
{
    if (ex.Message.Contains("consumer-test-key", StringComparison.Ordinal))
    {
        Console.Error.WriteLine("consumer: the exception message leaks the API key");
        return 1;
    }
}

Console.WriteLine($"consumer: ImageGen.Sdk package OK ({result.Images[0].Data.Length} bytes, provider {result.Provider}, model {result.Model})");
return 0;
CS

dotnet run --project "$work/app/Consumer.csproj" -c Release

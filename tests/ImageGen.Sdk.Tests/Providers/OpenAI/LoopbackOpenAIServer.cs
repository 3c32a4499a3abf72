using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ImageGen.Sdk.Tests.Providers.OpenAI;

/// <summary>A real Kestrel server on 127.0.0.1 that plays the OpenAI Images API, for end-to-end tests.</summary>
public sealed class LoopbackOpenAIServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackOpenAIServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public ConcurrentQueue<ReceivedRequest> Received { get; } = new();

    /// <summary>Answers <c>POST .../images/generations</c>; set per test.</summary>
    public Func<HttpContext, Task> Generations { get; set; } = _ => Task.CompletedTask;

    /// <summary>Answers <c>GET /files/{name}</c> (image URLs).</summary>
    public Func<HttpContext, Task> Files { get; set; } = context =>
    {
        context.Response.StatusCode = 404;
        return Task.CompletedTask;
    };

    public static async Task<LoopbackOpenAIServer> StartAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        WebApplication app = builder.Build();
        LoopbackOpenAIServer? server = null;
        app.MapPost("/{**path}", async context =>
        {
            using StreamReader reader = new(context.Request.Body);
            string body = await reader.ReadToEndAsync();
            server!.Received.Enqueue(new ReceivedRequest(context.Request.Method, context.Request.Path + context.Request.QueryString, context.Request.Headers.Authorization.ToString(), context.Request.Headers["api-key"].ToString(), body));
            await server.Generations(context);
        });
        app.MapGet("/files/{name}", async context =>
        {
            server!.Received.Enqueue(new ReceivedRequest("GET", context.Request.Path, context.Request.Headers.Authorization.ToString(), context.Request.Headers["api-key"].ToString(), string.Empty));
            await server.Files(context);
        });
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new LoopbackOpenAIServer(app, new Uri(address));
        return server;
    }

    public static async Task WriteJsonAsync(HttpContext context, int status, string json, params (string Name, string Value)[] headers)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        foreach ((string name, string value) in headers)
        {
            context.Response.Headers[name] = value;
        }

        await context.Response.WriteAsync(json);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public sealed record ReceivedRequest(string Method, string PathAndQuery, string Authorization, string ApiKey, string Body);
}

using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ImageGen.Sdk.Testing;

/// <summary>
/// A loopback HTTP server (Kestrel on 127.0.0.1, a free port) that speaks the OpenAI images wire format
/// (<c>/v1/images/generations</c>, <c>/v1/images/edits</c>) and answers with real PNGs of the requested size, inline
/// (<c>b64_json</c>) or as URLs it serves itself. Script faults per request or per API key, and read back every
/// request it received and the most concurrent requests and connections it saw.
/// </summary>
/// <remarks>
/// Point a provider at it with <c>Type = "OpenAI"</c> and <c>BaseUrl = server.BaseUrl</c>. Thread-safe: faults can
/// be queued while requests are in flight. Faults are taken from the request's API key queue first, then from the
/// shared queue, then from <see cref="FaultSelector"/>; with none of those the request succeeds.
/// </remarks>
public sealed class FakeImageProviderServer : IAsyncDisposable
{
    private const string FilesPath = "/files/";
    private static readonly string[] CredentialHeaders = ["Authorization", "api-key", "x-api-key"];

    private readonly WebApplication _app;
    private readonly FakeWireFormat _format;
    private readonly ConcurrentQueue<FakeProviderRequest> _requests = new();
    private readonly ConcurrentQueue<FakeFault> _faults = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<FakeFault>> _keyFaults = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(int Width, int Height), byte[]> _pngs = new();
    private readonly ConcurrentDictionary<string, byte[]> _files = new(StringComparer.Ordinal);
    private int _currentRequests;
    private int _maxConcurrentRequests;
    private int _openConnections;
    private int _maxConcurrentConnections;
    private int _totalConnections;
    private int _fileCounter;

    private FakeImageProviderServer(FakeWireFormat format)
    {
        _format = format;
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Use(next => async connection =>
        {
            Interlocked.Increment(ref _totalConnections);
            RaiseMax(ref _maxConcurrentConnections, Interlocked.Increment(ref _openConnections));
            try
            {
                await next(connection).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Decrement(ref _openConnections);
            }
        })));
        _app = builder.Build();
        foreach (string route in format.Routes)
        {
            _app.MapPost(route, HandleImagesAsync);
        }

        _app.MapGet(FilesPath + "{id}", HandleFile);
    }

    /// <summary>Gets the server's root, such as <c>http://127.0.0.1:51234</c>.</summary>
    public Uri RootUrl { get; private set; } = null!;

    /// <summary>Gets the OpenAI base URL to configure (<see cref="RootUrl"/> + <c>/v1</c>).</summary>
    public Uri BaseUrl => new(RootUrl, "/v1");

    /// <summary>Gets or sets a function that picks a fault for a request no queued fault applies to; <see langword="null"/> for none.</summary>
    /// <remarks>Called concurrently; the request it gets has no <see cref="FakeProviderRequest.Fault"/> yet.</remarks>
    public Func<FakeProviderRequest, FakeFault?>? FaultSelector { get; set; }

    /// <summary>Gets or sets a value indicating whether images are answered as URLs even when the request asks for inline images.</summary>
    /// <value><see langword="false"/>: as the request asks (<c>response_format</c>).</value>
    public bool AnswerWithUrls { get; set; }

    /// <summary>Gets every request received so far (image calls and image downloads), in arrival order.</summary>
    public IReadOnlyList<FakeProviderRequest> Requests => [.. _requests];

    /// <summary>Gets how many image-generation or edit requests arrived (downloads of result URLs not counted).</summary>
    public int ImageRequestCount => _requests.Count(r => !r.Path.StartsWith(FilesPath, StringComparison.Ordinal));

    /// <summary>Gets how many image requests are being answered now.</summary>
    public int CurrentRequests => Volatile.Read(ref _currentRequests);

    /// <summary>Gets the most image requests that were being answered at once.</summary>
    public int MaxConcurrentRequests => Volatile.Read(ref _maxConcurrentRequests);

    /// <summary>Gets how many connections are open now.</summary>
    public int OpenConnections => Volatile.Read(ref _openConnections);

    /// <summary>Gets the most connections that were open at once.</summary>
    public int MaxConcurrentConnections => Volatile.Read(ref _maxConcurrentConnections);

    /// <summary>Gets how many connections were accepted in all.</summary>
    public int TotalConnections => Volatile.Read(ref _totalConnections);

    /// <summary>Starts a server on 127.0.0.1 with a free port.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running server; dispose it to stop it.</returns>
    public static async Task<FakeImageProviderServer> StartAsync(CancellationToken cancellationToken = default)
    {
        FakeImageProviderServer server = new(new OpenAIFakeWireFormat());
        await server._app.StartAsync(cancellationToken).ConfigureAwait(false);
        string address = server._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.RootUrl = new Uri(address);
        return server;
    }

    /// <summary>Queues a fault for the next image request that no API-key fault applies to.</summary>
    /// <param name="fault">The fault.</param>
    public void EnqueueFault(FakeFault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        _faults.Enqueue(fault);
    }

    /// <summary>Queues a fault for the next image request made with <paramref name="apiKey"/>.</summary>
    /// <param name="apiKey">The API key (compared exactly).</param>
    /// <param name="fault">The fault.</param>
    public void EnqueueFault(string apiKey, FakeFault fault)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(apiKey);
        ArgumentNullException.ThrowIfNull(fault);
        _keyFaults.GetOrAdd(apiKey, _ => new ConcurrentQueue<FakeFault>()).Enqueue(fault);
    }

    /// <summary>Forgets the recorded requests, the queued faults and the maxima (open connections stay counted).</summary>
    public void Reset()
    {
        _requests.Clear();
        _faults.Clear();
        _keyFaults.Clear();
        Volatile.Write(ref _maxConcurrentRequests, CurrentRequests);
        Volatile.Write(ref _maxConcurrentConnections, OpenConnections);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static void RaiseMax(ref int max, int value)
    {
        int seen = Volatile.Read(ref max);
        while (value > seen)
        {
            int previous = Interlocked.CompareExchange(ref max, value, seen);
            if (previous == seen)
            {
                return;
            }

            seen = previous;
        }
    }

    private static async Task WriteAsync(HttpResponse response, int status, byte[] body, CancellationToken cancellationToken)
    {
        response.StatusCode = status;
        response.ContentType = "application/json";
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, cancellationToken).ConfigureAwait(false);
    }

    private async Task HandleImagesAsync(HttpContext context)
    {
        RaiseMax(ref _maxConcurrentRequests, Interlocked.Increment(ref _currentRequests));
        try
        {
            CancellationToken aborted = context.RequestAborted;
            FakeProviderRequest request = await RecordAsync(context).ConfigureAwait(false);
            string? apiKey = _format.ReadApiKey(context.Request);
            FakeFault? fault = NextFault(apiKey, request);
            _requests.Enqueue(request with { Fault = fault });
            switch (fault?.Kind)
            {
                case FakeFaultKind.Status:
                    foreach (KeyValuePair<string, string> header in fault.Headers)
                    {
                        context.Response.Headers.Append(header.Key, header.Value);
                    }

                    byte[] error = fault.Body is { } text ? Encoding.UTF8.GetBytes(text) : _format.WriteError(fault.StatusCode, fault.ErrorCode);
                    await WriteAsync(context.Response, fault.StatusCode, error, aborted).ConfigureAwait(false);
                    return;
                case FakeFaultKind.ConnectionReset:
                    context.Abort();
                    return;
                case FakeFaultKind.Refusal:
                    await WriteAsync(context.Response, 200, _format.WriteError(200, fault.ErrorCode), aborted).ConfigureAwait(false);
                    return;
                case FakeFaultKind.MalformedBody:
                    await WriteAsync(context.Response, 200, "<html><body>502 Bad Gateway</body></html>"u8.ToArray(), aborted).ConfigureAwait(false);
                    return;
                case FakeFaultKind.Delay:
                    await Task.Delay(fault.Delay, aborted).ConfigureAwait(false);
                    break;
            }

            FakeImageAsk ask = await _format.ReadAskAsync(context.Request, aborted).ConfigureAwait(false);
            byte[] body = CreateSuccess(ask);
            switch (fault?.Kind)
            {
                case FakeFaultKind.TruncatedBody:
                    context.Response.StatusCode = 200;
                    context.Response.ContentType = "application/json";
                    context.Response.ContentLength = body.Length;
                    await context.Response.Body.WriteAsync(body.AsMemory(0, body.Length / 2), aborted).ConfigureAwait(false);
                    await context.Response.Body.FlushAsync(aborted).ConfigureAwait(false);
                    context.Abort();
                    return;
                case FakeFaultKind.SlowTrickle:
                    context.Response.StatusCode = 200;
                    context.Response.ContentType = "application/json";
                    context.Response.ContentLength = body.Length;
                    int piece = Math.Max(1, body.Length / 16);
                    for (int offset = 0; offset < body.Length; offset += piece)
                    {
                        await context.Response.Body.WriteAsync(body.AsMemory(offset, Math.Min(piece, body.Length - offset)), aborted).ConfigureAwait(false);
                        await context.Response.Body.FlushAsync(aborted).ConfigureAwait(false);
                        await Task.Delay(fault.Delay, aborted).ConfigureAwait(false);
                    }

                    return;
                default:
                    await WriteAsync(context.Response, 200, body, aborted).ConfigureAwait(false);
                    return;
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away (it cancelled, or timed out): nothing to answer.
        }
        finally
        {
            Interlocked.Decrement(ref _currentRequests);
        }
    }

    private byte[] CreateSuccess(FakeImageAsk ask)
    {
        byte[] png = _pngs.GetOrAdd((ask.Width, ask.Height), static size => TestPng.Create(size.Width, size.Height));
        byte[][] images = [.. Enumerable.Repeat(png, ask.Count)];
        List<string>? urls = null;
        if (ask.WantsUrls || AnswerWithUrls)
        {
            urls = [];
            foreach (byte[] image in images)
            {
                string id = Interlocked.Increment(ref _fileCounter).ToString(CultureInfo.InvariantCulture) + ".png";
                _files[id] = image;
                urls.Add(new Uri(RootUrl, FilesPath + id).ToString());
            }
        }

        return _format.WriteSuccess(images, urls);
    }

    private async Task<IResult> HandleFile(HttpContext context, string id)
    {
        _requests.Enqueue(await RecordAsync(context).ConfigureAwait(false));
        return _files.TryGetValue(id, out byte[]? png) ? Results.Bytes(png, "image/png") : Results.NotFound();
    }

    private FakeFault? NextFault(string? apiKey, FakeProviderRequest request)
    {
        if (apiKey is not null && _keyFaults.TryGetValue(apiKey, out ConcurrentQueue<FakeFault>? forKey) && forKey.TryDequeue(out FakeFault? keyed))
        {
            return keyed;
        }

        return _faults.TryDequeue(out FakeFault? next) ? next : FaultSelector?.Invoke(request);
    }

    private static async Task<FakeProviderRequest> RecordAsync(HttpContext context)
    {
        HttpRequest request = context.Request;
        request.EnableBuffering();
        using MemoryStream buffer = new();
        await request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        request.Body.Position = 0;

        Dictionary<string, string> headers = new(StringComparer.OrdinalIgnoreCase);
        string? fingerprint = null;
        foreach (KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues> header in request.Headers)
        {
            string value = header.Value.ToString();
            if (CredentialHeaders.Contains(header.Key, StringComparer.OrdinalIgnoreCase) && !string.IsNullOrWhiteSpace(value))
            {
                string secret = value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? value["Bearer ".Length..].Trim() : value.Trim();
                fingerprint = secret.Length == 0 ? "…" : ApiKeyFingerprint.Create(secret);
                value = fingerprint;
            }

            headers[header.Key] = value;
        }

        return new FakeProviderRequest(request.Method, request.Path.Value ?? "/", headers, Encoding.UTF8.GetString(buffer.ToArray()), DateTimeOffset.UtcNow, fingerprint, null);
    }
}

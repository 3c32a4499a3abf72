using System.Globalization;

namespace ImageGen.Sdk.Testing;

/// <summary>
/// One scripted misbehaviour of the <see cref="FakeImageProviderServer"/>: an error status with any body, a delay, a
/// connection reset, a truncated or malformed body, a slow trickle or a 200-status refusal. Queue it with
/// <see cref="FakeImageProviderServer.EnqueueFault(FakeFault)"/>, for one API key with
/// <see cref="FakeImageProviderServer.EnqueueFault(string, FakeFault)"/>, or pick one per request with
/// <see cref="FakeImageProviderServer.FaultSelector"/>.
/// </summary>
public sealed record FakeFault
{
    private FakeFault(FakeFaultKind kind)
    {
        Kind = kind;
    }

    /// <summary>Gets what the fault does.</summary>
    public FakeFaultKind Kind { get; }

    /// <summary>Gets the status of a <see cref="FakeFaultKind.Status"/> fault.</summary>
    /// <value>500.</value>
    public int StatusCode { get; init; } = 500;

    /// <summary>Gets the body of a <see cref="FakeFaultKind.Status"/> fault; <see langword="null"/> for the wire format's error JSON.</summary>
    /// <value><see langword="null"/>.</value>
    public string? Body { get; init; }

    /// <summary>Gets the provider error code put in the wire format's error JSON when <see cref="Body"/> is <see langword="null"/>.</summary>
    /// <value><see langword="null"/>.</value>
    public string? ErrorCode { get; init; }

    /// <summary>Gets the response headers of the fault (for example <c>Retry-After</c>).</summary>
    /// <value>None.</value>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>Gets the wait of a <see cref="FakeFaultKind.Delay"/> fault, or the gap between the pieces of a <see cref="FakeFaultKind.SlowTrickle"/>.</summary>
    /// <value><see cref="TimeSpan.Zero"/>.</value>
    public TimeSpan Delay { get; init; }

    /// <summary>Gets a short name for logs and figures, such as <c>429 retry-after-ms 50</c>.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>Answers with <paramref name="statusCode"/>; the body is the wire format's error JSON unless <paramref name="body"/> is given.</summary>
    /// <param name="statusCode">The HTTP status.</param>
    /// <param name="body">The exact body; <see langword="null"/> for the wire format's error JSON.</param>
    /// <param name="headers">Response headers.</param>
    /// <returns>The fault.</returns>
    public static FakeFault Status(int statusCode, string? body = null, params (string Name, string Value)[] headers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 100);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 599);
        ArgumentNullException.ThrowIfNull(headers);
        return new FakeFault(FakeFaultKind.Status)
        {
            StatusCode = statusCode,
            Body = body,
            Headers = [.. headers.Select(h => KeyValuePair.Create(h.Name, h.Value))],
            Name = statusCode.ToString(CultureInfo.InvariantCulture),
        };
    }

    /// <summary>Answers 429 <c>rate_limit_exceeded</c> with a <c>Retry-After</c> in seconds and/or a <c>retry-after-ms</c> header, or neither.</summary>
    /// <param name="retryAfter">The <c>Retry-After</c> header (whole seconds); <see langword="null"/> for none.</param>
    /// <param name="retryAfterMs">The <c>retry-after-ms</c> header; <see langword="null"/> for none.</param>
    /// <returns>The fault.</returns>
    public static FakeFault RateLimited(TimeSpan? retryAfter = null, TimeSpan? retryAfterMs = null)
    {
        List<KeyValuePair<string, string>> headers = [];
        string name = "429";
        if (retryAfter is { } seconds)
        {
            string value = ((long)seconds.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            headers.Add(KeyValuePair.Create("Retry-After", value));
            name += " Retry-After " + value;
        }

        if (retryAfterMs is { } ms)
        {
            string value = ((long)ms.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
            headers.Add(KeyValuePair.Create("retry-after-ms", value));
            name += " retry-after-ms " + value;
        }

        return new FakeFault(FakeFaultKind.Status) { StatusCode = 429, ErrorCode = "rate_limit_exceeded", Headers = headers, Name = name };
    }

    /// <summary>Waits, then answers normally.</summary>
    /// <param name="delay">How long to wait.</param>
    /// <returns>The fault.</returns>
    public static FakeFault Delayed(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        return new FakeFault(FakeFaultKind.Delay) { Delay = delay, Name = string.Create(CultureInfo.InvariantCulture, $"delay {delay.TotalMilliseconds} ms") };
    }

    /// <summary>Aborts the connection before answering.</summary>
    /// <returns>The fault.</returns>
    public static FakeFault ConnectionReset() => new(FakeFaultKind.ConnectionReset) { Name = "connection reset" };

    /// <summary>Sends half of a 200 body that promised more, then aborts the connection.</summary>
    /// <returns>The fault.</returns>
    public static FakeFault TruncatedBody() => new(FakeFaultKind.TruncatedBody) { Name = "truncated body" };

    /// <summary>Sends a complete 200 whose body is not the expected JSON.</summary>
    /// <returns>The fault.</returns>
    public static FakeFault MalformedBody() => new(FakeFaultKind.MalformedBody) { Name = "malformed body" };

    /// <summary>Sends the normal body in small pieces, <paramref name="interval"/> apart.</summary>
    /// <param name="interval">The gap between two pieces.</param>
    /// <returns>The fault.</returns>
    public static FakeFault SlowTrickle(TimeSpan interval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(interval, TimeSpan.Zero);
        return new FakeFault(FakeFaultKind.SlowTrickle) { Delay = interval, Name = "slow trickle" };
    }

    /// <summary>Answers 200 with an error document and no image (for example <c>moderation_blocked</c>).</summary>
    /// <param name="errorCode">The provider error code in the document.</param>
    /// <returns>The fault.</returns>
    public static FakeFault Refusal(string errorCode = "moderation_blocked")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(errorCode);
        return new FakeFault(FakeFaultKind.Refusal) { ErrorCode = errorCode, Name = "200 refusal " + errorCode };
    }
}

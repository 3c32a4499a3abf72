using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ImageGen.Sdk.Telemetry;

/// <summary>
/// Every instrument of the <c>ImageGen.Sdk</c> meter, created in this one place, with one small record method per
/// event the layers report. Names and units follow the OpenTelemetry gen_ai conventions (UCUM units).
/// </summary>
/// <remarks>
/// Under DI the meter comes from <see cref="IMeterFactory"/>, so each service provider (and each test) gets its own
/// and the factory disposes it; without DI one process-wide instance (<see cref="Shared"/>) is used. Recording is
/// a no-op check while nobody listens, so layers call these methods unconditionally.
/// </remarks>
internal sealed class ImageGenerationInstruments : IDisposable
{
    // The gen_ai conventions' advised bucket boundaries: image calls take seconds, so the upper buckets matter.
    private static readonly double[] DurationBuckets = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
    private static readonly long[] TokenBuckets = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];

    private readonly bool _ownsMeter;

    /// <summary>Initializes the instruments on a meter from <paramref name="meterFactory"/>, or on a meter of their own.</summary>
    /// <param name="meterFactory">The application's meter factory; <see langword="null"/> creates a meter this instance owns.</param>
    public ImageGenerationInstruments(IMeterFactory? meterFactory = null)
    {
        MeterOptions options = new(ImageGenerationTelemetry.MeterName) { Version = ImageGenerationTelemetry.Version };
        _ownsMeter = meterFactory is null;
        Meter = meterFactory?.Create(options) ?? new Meter(options);

        OperationDuration = Meter.CreateHistogram<double>(
            "gen_ai.client.operation.duration", "s", "Duration of image generation operations, cache hits included.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        TokenUsage = Meter.CreateHistogram<long>(
            "gen_ai.client.token.usage", "{token}", "Tokens the provider reported per operation, by gen_ai.token.type.",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = TokenBuckets });
        CacheRequests = Meter.CreateCounter<long>(
            "imagegen.cache.requests", "{request}", "Requests that met the cache, by imagegen.cache.result.");
        ProviderAttempts = Meter.CreateCounter<long>(
            "imagegen.provider.attempts", "{attempt}", "Calls sent to a provider, retries included; error.type on failed ones.");
        RateLimitWaitDuration = Meter.CreateHistogram<double>(
            "imagegen.rate_limit.wait.duration", "s", "Time a call waited for a rate-limit permit or a resting key.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        Cost = Meter.CreateCounter<double>(
            "imagegen.cost", "USD", "Estimated cost in US dollars, by imagegen.cost.kind (spent, or saved by the cache).");
        KeyStateChanges = Meter.CreateCounter<long>(
            "imagegen.keys.state_changes", "{change}", "API keys moving between states, by imagegen.key.state.");
        Fallbacks = Meter.CreateCounter<long>(
            "imagegen.fallbacks", "{fallback}", "Requests moved from a failing provider to the next one.");
    }

    /// <summary>Gets the process-wide instruments used when no <see cref="IMeterFactory"/> is available.</summary>
    public static ImageGenerationInstruments Shared { get; } = new();

    /// <summary>Gets the meter holding the instruments.</summary>
    public Meter Meter { get; }

    /// <summary>Gets <c>gen_ai.client.operation.duration</c>.</summary>
    public Histogram<double> OperationDuration { get; }

    /// <summary>Gets <c>gen_ai.client.token.usage</c>.</summary>
    public Histogram<long> TokenUsage { get; }

    /// <summary>Gets <c>imagegen.cache.requests</c>.</summary>
    public Counter<long> CacheRequests { get; }

    /// <summary>Gets <c>imagegen.provider.attempts</c>.</summary>
    public Counter<long> ProviderAttempts { get; }

    /// <summary>Gets <c>imagegen.rate_limit.wait.duration</c>.</summary>
    public Histogram<double> RateLimitWaitDuration { get; }

    /// <summary>Gets <c>imagegen.cost</c>.</summary>
    public Counter<double> Cost { get; }

    /// <summary>Gets <c>imagegen.keys.state_changes</c>.</summary>
    public Counter<long> KeyStateChanges { get; }

    /// <summary>Gets <c>imagegen.fallbacks</c>.</summary>
    public Counter<long> Fallbacks { get; }

    /// <summary>
    /// The instruments registered in <paramref name="services"/> (see <see cref="Register"/>), else <see cref="Shared"/>;
    /// how a layer finds the instruments to record on.
    /// </summary>
    /// <param name="services">The application's services, or <see langword="null"/>.</param>
    /// <returns>The instruments to record on.</returns>
    public static ImageGenerationInstruments FromServices(IServiceProvider? services)
        => services?.GetService(typeof(ImageGenerationInstruments)) as ImageGenerationInstruments ?? Shared;

    /// <summary>Registers one instance per service provider, on the provider's <see cref="IMeterFactory"/> when it has one.</summary>
    /// <param name="services">The service collection.</param>
    public static void Register(IServiceCollection services)
        => services.TryAddSingleton(sp => new ImageGenerationInstruments(sp.GetService<IMeterFactory>()));

    /// <summary>Records one finished operation: its duration and, when the provider reported them, its tokens.</summary>
    /// <param name="duration">How long the operation took.</param>
    /// <param name="provider">The provider that served or failed it, when known.</param>
    /// <param name="requestModel">The model requested, when known.</param>
    /// <param name="responseModel">The model that answered, on success.</param>
    /// <param name="usage">The reported token usage, on success.</param>
    /// <param name="error">The failure, or <see langword="null"/> on success.</param>
    public void RecordOperation(TimeSpan duration, string? provider, string? requestModel, string? responseModel, ImageUsage? usage, Exception? error)
    {
        if (OperationDuration.Enabled)
        {
            TagList tags = OperationTags(provider, requestModel, responseModel);
            if (error is not null)
            {
                tags.Add(TelemetryTags.ErrorType, TelemetryTagValues.ErrorType(error));
            }

            OperationDuration.Record(duration.TotalSeconds, tags);
        }

        if (usage is not null && TokenUsage.Enabled)
        {
            RecordTokens(usage.InputTokens, TelemetryTags.InputTokenType, provider, requestModel, responseModel);
            RecordTokens(usage.OutputTokens, TelemetryTags.OutputTokenType, provider, requestModel, responseModel);
        }
    }

    /// <summary>Counts a request that met the cache (the cache layer calls this once per request it handles).</summary>
    /// <param name="result">How the cache answered.</param>
    /// <param name="provider">The provider the request resolved to, when known.</param>
    public void RecordCacheResult(ImageCacheResult result, string? provider)
    {
        TagList tags = default;
        tags.Add(TelemetryTags.CacheResult, result.ToTagValue());
        AddIfSet(ref tags, TelemetryTags.ProviderName, provider);
        CacheRequests.Add(1, tags);
    }

    /// <summary>Counts one call sent to a provider (the retry layer calls this per attempt).</summary>
    /// <param name="provider">The provider.</param>
    /// <param name="model">The model, when known.</param>
    /// <param name="error">The attempt's failure, or <see langword="null"/> when it succeeded.</param>
    public void RecordAttempt(string provider, string? model, Exception? error)
    {
        TagList tags = default;
        tags.Add(TelemetryTags.ProviderName, provider);
        AddIfSet(ref tags, TelemetryTags.RequestModel, model);
        if (error is not null)
        {
            tags.Add(TelemetryTags.ErrorType, TelemetryTagValues.ErrorType(error));
        }

        ProviderAttempts.Add(1, tags);
    }

    /// <summary>Records a wait for a rate-limit permit or a resting key (only waits that happened; zero is not recorded).</summary>
    /// <param name="wait">How long the call waited.</param>
    /// <param name="provider">The provider whose limit it waited for.</param>
    public void RecordRateLimitWait(TimeSpan wait, string provider)
    {
        if (wait > TimeSpan.Zero)
        {
            RateLimitWaitDuration.Record(wait.TotalSeconds, new KeyValuePair<string, object?>(TelemetryTags.ProviderName, provider));
        }
    }

    /// <summary>Adds an estimated cost: spent on a provider call, or saved by a cache hit.</summary>
    /// <param name="usd">The amount in US dollars; zero or less is not recorded.</param>
    /// <param name="kind">Spent or saved.</param>
    /// <param name="provider">The provider the amount belongs to.</param>
    /// <param name="model">The model, when known.</param>
    public void RecordCost(decimal usd, ImageCostKind kind, string provider, string? model)
    {
        if (usd <= 0)
        {
            return;
        }

        TagList tags = default;
        tags.Add(TelemetryTags.CostKind, kind.ToTagValue());
        tags.Add(TelemetryTags.ProviderName, provider);
        AddIfSet(ref tags, TelemetryTags.RequestModel, model);
        Cost.Add((double)usd, tags);
    }

    /// <summary>Counts an API key moving to another state.</summary>
    /// <param name="provider">The key's provider.</param>
    /// <param name="state">The state it moved to.</param>
    public void RecordKeyStateChange(string provider, ImageKeyState state)
        => KeyStateChanges.Add(
            1,
            new KeyValuePair<string, object?>(TelemetryTags.ProviderName, provider),
            new KeyValuePair<string, object?>(TelemetryTags.KeyState, state.ToTagValue()));

    /// <summary>Counts a request moving from a failed provider to the next one.</summary>
    /// <param name="fromProvider">The provider that failed.</param>
    /// <param name="toProvider">The provider tried next.</param>
    /// <param name="reason">The failure that moved it.</param>
    public void RecordFallback(string fromProvider, string toProvider, Exception reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        Fallbacks.Add(
            1,
            new KeyValuePair<string, object?>(TelemetryTags.ProviderName, fromProvider),
            new KeyValuePair<string, object?>(TelemetryTags.FallbackTo, toProvider),
            new KeyValuePair<string, object?>(TelemetryTags.ErrorType, TelemetryTagValues.ErrorType(reason)));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // A factory's meter belongs to the factory, which disposes it with the service provider.
        if (_ownsMeter)
        {
            Meter.Dispose();
        }
    }

    private void RecordTokens(long? tokens, string tokenType, string? provider, string? requestModel, string? responseModel)
    {
        if (tokens is long count)
        {
            TagList tags = OperationTags(provider, requestModel, responseModel);
            tags.Add(TelemetryTags.TokenType, tokenType);
            TokenUsage.Record(count, tags);
        }
    }

    private static TagList OperationTags(string? provider, string? requestModel, string? responseModel)
    {
        TagList tags = default;
        tags.Add(TelemetryTags.OperationName, TelemetryTags.GenerateContent);
        AddIfSet(ref tags, TelemetryTags.ProviderName, provider);
        AddIfSet(ref tags, TelemetryTags.RequestModel, requestModel);
        AddIfSet(ref tags, TelemetryTags.ResponseModel, responseModel);
        return tags;
    }

    private static void AddIfSet(ref TagList tags, string name, string? value)
    {
        if (value is not null)
        {
            tags.Add(name, value);
        }
    }
}

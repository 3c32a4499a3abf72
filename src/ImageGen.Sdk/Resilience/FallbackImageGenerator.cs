using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageGen.Sdk.Resilience;

/// <summary>
/// Cross-provider fallback: sends a request to its provider and, when that fails after its own retries with a kind
/// in <see cref="FallbackOptions.On"/>, to the next provider of <see cref="FallbackOptions.Providers"/>, with the
/// request adapted to what that provider's model accepts. The inner generator routes by
/// <see cref="ImageGenerationRequest.Provider"/> (the provider router of <c>AddImageGeneration()</c>).
/// </summary>
/// <remarks>
/// <para>
/// Adaptation, each step noted in <see cref="ImageGenerationResult.Warnings"/>: the model becomes the one
/// <see cref="FallbackOptions.ModelMap"/> names for the provider, else the provider's default; for a model that takes
/// only aspect ratios a size becomes the nearest supported ratio, for one that takes only listed sizes an aspect ratio
/// becomes the nearest supported size; an unsupported size becomes the nearest supported one (closest aspect ratio,
/// then closest area); an unsupported aspect ratio the nearest supported ratio; a style or quality the model does not
/// take is dropped. The result names the provider that served it.
/// </para>
/// <para>
/// A request that names a provider stays on it unless it sets <see cref="ImageGenerationRequest.AllowFallback"/> or
/// <see cref="FallbackOptions.AllowExplicitProvider"/> is set. When every provider fails, the last provider's
/// exception is thrown (it says why the last resort failed; each earlier failure is logged at Warning). Failures
/// outside <see cref="FallbackOptions.On"/> (a refused prompt, a bad request) and the caller's cancellation are
/// thrown at once: another provider would refuse or be cancelled too.
/// </para>
/// <para>
/// Composed by <c>AddImageGeneration()</c>, a call that may fall back is bounded as a whole by the
/// <see cref="RetryOptions.TotalTimeout"/> of the provider it starts on: the providers after it share what is left, and
/// when the time is up the call fails with <see cref="ImageGenerationErrorKind.Timeout"/> (naming the provider that was
/// cut off) without trying another provider. A fallback provider is started only while more than 1% of that time-out
/// (at most one second) is left; otherwise (the provider before it failed at or just before the deadline) the call
/// fails with <see cref="ImageGenerationErrorKind.Timeout"/> naming that provider, and no request is sent that could
/// only be cut off. Built by hand with the public constructor, only each provider's own total
/// time-out applies; bound the whole call with a <see cref="CancellationToken"/> that has a deadline.
/// </para>
/// </remarks>
public sealed partial class FallbackImageGenerator : DelegatingImageGenerator
{
    private readonly IImageProviderCatalog _catalog;
    private readonly FallbackOptions _options;
    private readonly FallbackRequestAdapter _adapter;
    private readonly ILogger _logger;
    private readonly Func<string, TimeSpan>? _totalTimeoutOf;
    private readonly TimeProvider _timeProvider;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="innerGenerator">Routes each request to the pipeline of the provider it names, and answers
    /// <c>GetService(typeof(IImageProviderCatalog))</c> with the providers and their models (as
    /// <see cref="Providers.ProviderRoutingImageGenerator"/> does).</param>
    /// <param name="options">The fallback order and rules.</param>
    /// <param name="logger">The logger; none when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The generator below has no catalog, or a listed provider is not in it.</exception>
    public FallbackImageGenerator(IImageGenerator innerGenerator, FallbackOptions options, ILogger? logger = null)
        : this(innerGenerator, options, logger, totalTimeoutOf: null, TimeProvider.System)
    {
    }

    /// <summary>Initializes a new instance whose calls, fallback included, are bounded by the total time-out of the
    /// provider each call starts on (what <c>AddImageGeneration()</c> composes) when <paramref name="totalTimeoutOf"/> is set.</summary>
    /// <param name="innerGenerator">Routes each request to the pipeline of the provider it names, and has the catalog.</param>
    /// <param name="options">The fallback order and rules.</param>
    /// <param name="logger">The logger; none when <see langword="null"/>.</param>
    /// <param name="totalTimeoutOf">The effective <see cref="RetryOptions.TotalTimeout"/> of a provider, by name; no whole-call deadline when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock of the deadline.</param>
    internal FallbackImageGenerator(IImageGenerator innerGenerator, FallbackOptions options, ILogger? logger, Func<string, TimeSpan>? totalTimeoutOf, TimeProvider timeProvider)
        : base(innerGenerator)
    {
        ArgumentNullException.ThrowIfNull(options);
        IImageProviderCatalog catalog = innerGenerator.GetService<IImageProviderCatalog>() ?? throw new ArgumentException(
            "Fallback needs a generator below that routes by provider name and answers GetService(typeof(IImageProviderCatalog)), such as ProviderRoutingImageGenerator.",
            nameof(innerGenerator));
        foreach (string provider in options.Providers)
        {
            if (catalog.Find(provider) is null)
            {
                throw new ArgumentException($"Fallback provider '{provider}' is not configured. Configured: {string.Join(", ", catalog.Providers.Select(p => p.Name))}.", nameof(options));
            }
        }

        _catalog = catalog;
        _options = options;
        _adapter = new FallbackRequestAdapter(options.ModelMap);
        _logger = logger ?? NullLogger.Instance;
        _totalTimeoutOf = totalTimeoutOf;
        _timeProvider = timeProvider;
    }

    /// <inheritdoc />
    public override async Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ImageProviderDescriptor primary = _catalog.ResolveProvider(request);
        bool mayFallBack = request.Provider is null || request.AllowFallback || _options.AllowExplicitProvider;
        List<ImageProviderDescriptor> chain = [primary];
        if (mayFallBack)
        {
            foreach (string name in _options.Providers)
            {
                ImageProviderDescriptor candidate = _catalog.Find(name)!;
                if (!chain.Any(p => string.Equals(p.Name, candidate.Name, StringComparison.OrdinalIgnoreCase)))
                {
                    chain.Add(candidate);
                }
            }
        }

        if (chain.Count == 1 || _totalTimeoutOf is null)
        {
            // Nothing to fall back to: the provider's own total time-out already bounds the call.
            return await GenerateAsync(request, primary, chain, deadline: null, cancellationToken).ConfigureAwait(false);
        }

        // One deadline for the whole call: the providers after the first share what its total time-out leaves.
        TimeSpan totalTimeout = _totalTimeoutOf(primary.Name);
        using CancellationTokenSource deadline = new(totalTimeout, _timeProvider);
        using CancellationTokenSource linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        Deadline bound = new(totalTimeout, _timeProvider.GetTimestamp(), deadline.Token, cancellationToken);
        return await GenerateAsync(request, primary, chain, bound, linked.Token).ConfigureAwait(false);
    }

    private async Task<ImageGenerationResult> GenerateAsync(
        ImageGenerationRequest request,
        ImageProviderDescriptor primary,
        List<ImageProviderDescriptor> chain,
        Deadline? deadline,
        CancellationToken cancellationToken)
    {
        int failedAttempts = 0;
        List<string> failures = [];
        ImageGenerationException? lastFailure = null;
        for (int i = 0; ; i++)
        {
            ImageProviderDescriptor provider = chain[i];
            List<string> warnings = [];
            ImageGenerationRequest attempt = i == 0
                ? request with { Provider = provider.Name }
                : _adapter.Adapt(request, primary, provider, warnings);
            if (i > 0 && deadline is { } bound && !HasTimeFor(bound))
            {
                // Checked right before the call: a provider started now would only be cut off, maybe after a paid
                // request went out. The caller's own cancellation stays a cancellation.
                bound.Caller.ThrowIfCancellationRequested();
                failures.Add($"no time left to try '{provider.Name}'");
                throw DeadlineReached(bound, primary, chain[i - 1], failures, failedAttempts, lastFailure!, tried: i);
            }

            try
            {
                ImageGenerationResult result = await InnerGenerator.GenerateAsync(attempt, cancellationToken).ConfigureAwait(false);
                if (i == 0)
                {
                    return result;
                }

                warnings.Insert(0, $"Served by fallback provider '{provider.Name}' because {string.Join("; ", failures)}.");
                return new ImageGenerationResult(result)
                {
                    Provider = provider.Name,
                    Attempts = failedAttempts + result.Attempts,
                    Warnings = [.. result.Warnings, .. warnings],
                };
            }
            catch (ImageGenerationException exception) when (!cancellationToken.IsCancellationRequested
                && _options.FallsBackOn(exception.Kind) && i + 1 < chain.Count)
            {
                failedAttempts += Math.Max(1, TransientFailures.GetAttempts(exception));
                failures.Add($"'{provider.Name}' failed: {exception.Kind}");
                lastFailure = exception;
                LogFallingBack(_logger, provider.Name, exception.Kind, chain[i + 1].Name);
            }
            catch (ImageGenerationException exception) when (i > 0 && !cancellationToken.IsCancellationRequested)
            {
                // The last resort failed too (or failed in a way another provider would share): say so, then rethrow.
                LogGaveUp(_logger, exception, i + 1, provider.Name, exception.Kind);
                ExceptionDispatchInfo.Capture(exception).Throw();
            }
            catch (Exception exception) when (deadline is { } d && d.Token.IsCancellationRequested && !d.Caller.IsCancellationRequested
                && exception is OperationCanceledException or ImageGenerationException { Kind: ImageGenerationErrorKind.Timeout })
            {
                // The deadline, not the caller, cancelled the call: that is a time-out, like the provider's own.
                failures.Add($"'{provider.Name}' was cut off");
                throw DeadlineReached(d, primary, provider, failures, failedAttempts + Math.Max(1, TransientFailures.GetAttempts(exception)), exception, tried: i + 1);
            }
        }
    }

    /// <summary>
    /// Whether a fallback provider may still start: only while the deadline has not fired and more than
    /// <see cref="MinimumTimeLeft"/> of it is left. A first provider that fails (a time-out of its own total time-out,
    /// which has the same length as the deadline, say) at or just before the deadline thus ends the call.
    /// </summary>
    private bool HasTimeFor(Deadline deadline)
        => !deadline.Token.IsCancellationRequested
            && deadline.Timeout - _timeProvider.GetElapsedTime(deadline.Started) > MinimumTimeLeft(deadline.Timeout);

    /// <summary>
    /// The least time a fallback provider needs to be worth starting: 1% of the call's total time-out, at most one
    /// second. No image provider answers sooner, while a normal fallback (the first provider failing well before the
    /// deadline) is never refused, even with a total time-out of a few milliseconds.
    /// </summary>
    internal static TimeSpan MinimumTimeLeft(TimeSpan totalTimeout)
        => TimeSpan.FromTicks(Math.Min(TimeSpan.TicksPerSecond, totalTimeout.Ticks / 100));

    private ImageGenerationException DeadlineReached(Deadline deadline, ImageProviderDescriptor primary, ImageProviderDescriptor provider, List<string> failures, int attempts, Exception inner, int tried)
    {
        ImageGenerationException timeout = new(
            ImageGenerationErrorKind.Timeout,
            $"Image generation did not finish within the total timeout of {deadline.Timeout} (Retry:TotalTimeout of '{primary.Name}'), fallback included: {string.Join("; ", failures)}.",
            inner)
        {
            Provider = provider.Name,
        };
        timeout.Attempts = attempts;
        LogGaveUp(_logger, timeout, tried, provider.Name, timeout.Kind);
        return timeout;
    }

    /// <summary>The whole-call deadline: its length, when it started, its token and the caller's own token.</summary>
    private readonly record struct Deadline(TimeSpan Timeout, long Started, CancellationToken Token, CancellationToken Caller);

    [LoggerMessage(EventId = 4021, Level = LogLevel.Warning,
        Message = "Image provider {Provider} failed with {Kind}; falling back to {Next}")]
    private static partial void LogFallingBack(ILogger logger, string provider, ImageGenerationErrorKind kind, string next);

    [LoggerMessage(EventId = 4022, Level = LogLevel.Warning,
        Message = "Image generation gave up after trying {Count} provider(s); the last, {Provider}, failed with {Kind}")]
    private static partial void LogGaveUp(ILogger logger, Exception exception, int count, string provider, ImageGenerationErrorKind kind);
}

using ImageGen.Sdk.RateLimiting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageGen.Sdk.Keys;

/// <summary>
/// Sends each attempt with one of a provider's API keys, chosen by <see cref="KeyRotationStrategy"/>, and keeps
/// unhealthy keys out of the way: a rejected key (401) is retired until a probe, a rate-limited key (429) cools down
/// and the same attempt moves on to another key at once, a key out of quota (402) is parked.
/// </summary>
/// <remarks>
/// <para>
/// When every key rests, the call waits for the soonest one if that is within <see cref="KeyRotationOptions.MaxWait"/>,
/// else fails with <see cref="ImageGenerationErrorKind.Unavailable"/> and <c>RetryAfter</c> = the soonest return;
/// when every key is retired it fails at once with <see cref="ImageGenerationErrorKind.Authentication"/>. With one key
/// failures pass through unchanged, so the retry layer above handles them as usual; only a rejected key (401) is
/// still retired, so later calls fail at once instead of sending a known-bad key again. After
/// <see cref="KeyRotationOptions.RetiredKeyProbeInterval"/> one call (never more at a time) goes out with a retired key
/// as a probe: its success puts the key back, its rejection retires it for another interval.
/// </para>
/// <para>
/// Failures that are not about the key (bad request, content filter, server error, time-out) pass through without
/// trying another key: another key would fail the same way, and retrying is the retry layer's call.
/// </para>
/// <para>
/// With several keys, a result or failure whose <see cref="ProviderRateLimitInfo"/> says the key has 0 requests
/// or tokens left, with a known reset, cools that key until the reset, so the next calls go to the other keys at
/// once instead of earning a 429 (a 429 without a retry delay rests for that reset too). The result or failure
/// itself passes up unchanged, and the <see cref="RateLimiting.RateLimitingImageGenerator"/> directly above leaves
/// the numbers to this layer. With one key this layer does not act on them: the rate-limit layer above pauses the
/// provider instead, which for one key is the same thing.
/// </para>
/// <para>
/// The parts: <c>KeySelector</c> picks keys, <c>KeyHealth</c> retires, parks, cools and probes them,
/// <c>KeyStateRecorder</c> keeps a failing store from changing a call's outcome, and <c>KeyRotationLoop</c>
/// moves an attempt between keys and waits when all rest. This class holds the keys and the fast paths.
/// </para>
/// </remarks>
public sealed class KeyRotatingImageGenerator : DelegatingImageGenerator
{
    private readonly KeyRotationContext _context;
    private readonly KeySelector _selector;
    private readonly KeyHealth _health;
    private readonly KeyStateRecorder _recorder;
    private readonly KeyRotationLoop _loop;
    private readonly KeyPoolMonitor? _monitor;
    private readonly Lock _rebindGate = new();
    private KeyPool _pool;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="keys">One client per key, in configured order; the first is the inner generator.</param>
    /// <param name="provider">The provider name (state is stored per provider and fingerprint).</param>
    /// <param name="options">The strategy and rest times; defaults when <see langword="null"/>.</param>
    /// <param name="store">Where key health lives; a private in-memory store when <see langword="null"/>.</param>
    /// <param name="monitor">Receives the keys' counters; none when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">The logger.</param>
    /// <exception cref="ArgumentNullException"><paramref name="keys"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="keys"/> is empty or has duplicate fingerprints, a weight or daily limit is not positive, <paramref name="provider"/> is blank, or an option is out of range.</exception>
    public KeyRotatingImageGenerator(
        IReadOnlyList<ApiKeyClient> keys,
        string provider,
        KeyRotationOptions? options = null,
        IKeyStateStore? store = null,
        KeyPoolMonitor? monitor = null,
        TimeProvider? timeProvider = null,
        ILogger? logger = null)
        : base(FirstGenerator(keys))
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(provider);
        options ??= new KeyRotationOptions();
        options.Validate();
        _pool = KeyPool.Create(keys, provider);
        _context = new KeyRotationContext(provider, options, store ?? new InMemoryKeyStateStore(), timeProvider ?? TimeProvider.System, logger ?? NullLogger.Instance);
        _selector = new KeySelector(_context);
        _health = new KeyHealth(_context);
        _recorder = new KeyStateRecorder(_context);
        _loop = new KeyRotationLoop(_context, _selector, _health, _recorder);
        _monitor = monitor;
        monitor?.Register(provider, _pool.Counters);
    }

    /// <summary>Gets whether this layer cools keys from the rate-limit numbers providers report (it has several keys).</summary>
    internal bool CoolsKeysFromRateLimitInfo => Volatile.Read(ref _pool).Count > 1;

    /// <inheritdoc />
    public override Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        KeyPool pool = Volatile.Read(ref _pool);
        if (pool.Count > 1)
        {
            return Rotate(pool, request, cancellationToken);
        }

        if (!pool.Counters[0].IsRetired)
        {
            return Send(pool, request, probe: false, cancellationToken);
        }

        return pool.Counters[0].TryStartProbe(_context.TimeProvider.GetUtcNow())
            ? Send(pool, request, probe: true, cancellationToken)
            : Task.FromException<ImageGenerationResult>(_loop.AllKeysRetired(pool, null));
    }

    /// <summary>
    /// Asks the current first key's client for what this layer is not (its metadata, for example), so a reload that
    /// replaced the keys answers for the clients in use.
    /// </summary>
    /// <inheritdoc />
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this)
            ? this
            : Volatile.Read(ref _pool).Keys[0].Generator.GetService(serviceType, serviceKey);
    }

    /// <summary>
    /// Replaces the keys, for a configuration reload: a client already in use (the same instance) keeps its counters
    /// and health; every other starts active, here and in the store, and serves the next call at once. Calls in flight
    /// finish on the keys they started with; clients no longer listed are not disposed, since such a call may still
    /// be using one.
    /// </summary>
    /// <param name="keys">The new clients, in configured order.</param>
    /// <exception cref="ArgumentException">As for the constructor.</exception>
    internal void Rebind(IReadOnlyList<ApiKeyClient> keys)
    {
        lock (_rebindGate)
        {
            KeyPool next = Volatile.Read(ref _pool).Rebind(keys, _context.Provider, out IReadOnlyList<ApiKeyClient> added);
            foreach (ApiKeyClient key in added)
            {
                // A key that shares its fingerprint with an earlier, rejected one must not inherit its retirement.
                _recorder.RecordInBackground(_context.Store.SetAsync(_context.Provider, key.Fingerprint, ApiKeyStatus.Active).AsTask(), key.Fingerprint);
            }

            Volatile.Write(ref _pool, next);
            _monitor?.Register(_context.Provider, next.Counters);
            KeyRotationLog.KeysReloaded(_context.Logger, _context.Provider, next.Count);
        }
    }

    /// <summary>Calls a key's client; a synchronous throw becomes a faulted task, handled where the task is awaited.</summary>
    internal static Task<ImageGenerationResult> Start(IImageGenerator generator, ImageGenerationRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return generator.GenerateAsync(request, cancellationToken);
        }
        catch (Exception ex)
        {
            return Task.FromException<ImageGenerationResult>(ex);
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // The base disposes the first key's client; the others are ours too.
            ApiKeyClient[] keys = Volatile.Read(ref _pool).Keys;
            foreach (ApiKeyClient key in keys)
            {
                if (!ReferenceEquals(key.Generator, InnerGenerator))
                {
                    (key.Generator as IDisposable)?.Dispose();
                }
            }
        }

        base.Dispose(disposing);
    }

    private static IImageGenerator FirstGenerator(IReadOnlyList<ApiKeyClient> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            throw new ArgumentException("At least one key is required.", nameof(keys));
        }

        return keys[0].Generator;
    }

    /// <summary>
    /// The common case without a state machine: a usable key is picked synchronously and its client answers
    /// synchronously with a success that leaves the key its allowance; anything else continues in <see cref="KeyRotationLoop"/>.
    /// </summary>
    private Task<ImageGenerationResult> Rotate(KeyPool pool, ImageGenerationRequest request, CancellationToken cancellationToken)
    {
        ValueTask<int> pick = _selector.PickAsync(pool, null, out bool probe, cancellationToken);
        if (!pick.IsCompletedSuccessfully)
        {
            return _loop.RunAsync(pool, request, (pick, probe), null, cancellationToken);
        }

        int index = pick.Result;
        if (index < 0 || probe)
        {
            return _loop.RunAsync(pool, request, (new ValueTask<int>(index), probe), null, cancellationToken);
        }

        ApiKeyCounters counters = pool.Counters[index];
        counters.Started();
        Task<ImageGenerationResult> sent = Start(pool.Keys[index].Generator, request, cancellationToken);
        if (sent.IsCompletedSuccessfully && !ProviderRateLimitExhaustion.TryGetDelay(sent.Result.RateLimit, out _, out _))
        {
            counters.Succeeded();
            return sent;
        }

        return _loop.RunAsync(pool, request, (new ValueTask<int>(index), false), sent, cancellationToken);
    }

    /// <summary>The one-key path: the failure reaches the retry layer unchanged, but a rejected key is retired first.</summary>
    private Task<ImageGenerationResult> Send(KeyPool pool, ImageGenerationRequest request, bool probe, CancellationToken cancellationToken)
    {
        ApiKeyCounters counters = pool.Counters[0];
        counters.Started();
        Task<ImageGenerationResult> sent = Start(pool.Keys[0].Generator, request, cancellationToken);
        if (sent.IsCompletedSuccessfully && !probe)
        {
            counters.Succeeded();
            return sent;
        }

        return CompleteAsync(pool, sent, probe, cancellationToken);
    }

    private async Task<ImageGenerationResult> CompleteAsync(KeyPool pool, Task<ImageGenerationResult> sent, bool probe, CancellationToken cancellationToken)
    {
        ApiKeyCounters counters = pool.Counters[0];
        string fingerprint = pool.Keys[0].Fingerprint;
        try
        {
            ImageGenerationResult result = await sent.ConfigureAwait(false);
            counters.Succeeded();
            if (probe)
            {
                await _recorder.RecordAsync(_health.ReviveAsync(pool, 0), fingerprint, CancellationToken.None).ConfigureAwait(false);
            }

            return result;
        }
        catch (ImageGenerationException ex)
        {
            counters.Failed(ex.Kind);
            if (KeyHealth.Classify(ex) == KeyFailure.Rejected)
            {
                await _recorder.RecordRetirementAsync(_health.RetireAsync(pool, 0, ex), fingerprint, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                KeyHealth.EndProbe(pool, 0, probe);
            }

            throw;
        }
        catch
        {
            counters.Failed(null);
            KeyHealth.EndProbe(pool, 0, probe);
            throw;
        }
    }
}

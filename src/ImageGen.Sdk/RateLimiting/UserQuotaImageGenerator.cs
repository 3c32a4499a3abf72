using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageGen.Sdk.RateLimiting;

/// <summary>
/// Enforces per-end-user quotas (<see cref="ImageGenerationRequest.User"/>): the largest image, calls in flight
/// and images per UTC day, per tier chosen by an <see cref="IUserTierResolver"/>.
/// </summary>
/// <remarks>
/// <para>
/// It sits above the provider pipelines and below the cache, so a cache hit never spends quota. A size over the
/// tier's maximum is the caller's mistake (<see cref="ArgumentException"/>); a daily limit or concurrency refusal
/// is <see cref="ImageGenerationErrorKind.RateLimited"/> (the daily one with <c>RetryAfter</c> until midnight UTC).
/// A failed call gives its images back. Concurrency is counted per process.
/// </para>
/// <para>
/// A request without a <see cref="ImageGenerationRequest.Size"/> is checked at the size the model will use: its
/// default size from the <see cref="IImageProviderCatalog"/>, or, for a model that picks the size itself (GPT image
/// models, <c>auto</c>), the largest size it lists. A model the catalog does not describe cannot be checked.
/// </para>
/// </remarks>
public sealed partial class UserQuotaImageGenerator : DelegatingImageGenerator
{
    private readonly UserQuotaOptions _options;
    private readonly IImageProviderCatalog? _catalog;
    private readonly IUserTierResolver? _tierResolver;
    private readonly IUserQuotaStore _store;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly PartitionedRateLimiter<(string User, int Limit)> _concurrency;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="innerGenerator">The provider routing (or fallback) layer.</param>
    /// <param name="options">The quotas.</param>
    /// <param name="tierResolver">Chooses each user's tier; every user gets the base quotas when <see langword="null"/>.</param>
    /// <param name="store">Where daily counts live; a private in-memory store when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock for UTC days; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="catalog">Where a request without a size finds its model's default size; such requests are not size-checked when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerGenerator"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    public UserQuotaImageGenerator(
        IImageGenerator innerGenerator,
        UserQuotaOptions options,
        IUserTierResolver? tierResolver = null,
        IUserQuotaStore? store = null,
        TimeProvider? timeProvider = null,
        ILogger? logger = null,
        IImageProviderCatalog? catalog = null)
        : base(innerGenerator)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _catalog = catalog;
        _tierResolver = tierResolver;
        _store = store ?? new InMemoryUserQuotaStore();
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _concurrency = PartitionedRateLimiter.Create<(string User, int Limit), (string User, int Limit)>(key =>
            RateLimitPartition.GetConcurrencyLimiter(key, static k => new ConcurrencyLimiterOptions { PermitLimit = k.Limit, QueueLimit = 0 }));
    }

    /// <inheritdoc />
    public override async Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrEmpty(request.User))
        {
            return await base.GenerateAsync(request, cancellationToken).ConfigureAwait(false);
        }

        string user = request.User;
        string? tierName = _tierResolver is null ? null : await _tierResolver.GetTierAsync(user, cancellationToken).ConfigureAwait(false);
        UserQuotaTierOptions? tier = null;
        if (tierName is not null && !_options.Tiers.TryGetValue(tierName, out tier))
        {
            LogUnknownTier(_logger, tierName);
        }

        long? maxPixels = tier?.MaxPixels ?? _options.MaxPixels;
        string? model = null;
        if (maxPixels is { } max && (request.Size ?? SizeUsedFor(request, out model)) is { } size && size.Pixels > max)
        {
            string which = request.Size is null ? $"No Size was given, so model '{model}' would use {size}" : $"Size {size}";
            throw new ArgumentException(
                $"{which} ({size.Pixels} pixels), larger than the {max}-pixel maximum of this user's quota{(tierName is null ? string.Empty : $" (tier '{tierName}')")}.{(request.Size is null ? " Ask for a smaller Size." : string.Empty)}",
                nameof(request));
        }

        using RateLimitLease? slot = AcquireSlot(user, tier?.MaxConcurrency ?? _options.MaxConcurrency);
        int? dailyLimit = tier?.DailyLimit ?? _options.DailyLimit;
        DateTimeOffset now = _timeProvider.GetUtcNow();
        DateOnly today = DateOnly.FromDateTime(now.UtcDateTime);
        if (dailyLimit is { } limit && !await _store.TryConsumeAsync(user, today, request.Count, limit, cancellationToken).ConfigureAwait(false))
        {
            DateTimeOffset midnight = new(today.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            throw new ImageGenerationException(
                ImageGenerationErrorKind.RateLimited,
                $"This user's daily limit of {limit} images is reached; it resets at midnight UTC. The call was not sent.")
            {
                RetryAfter = midnight - now,
                IsLocalRefusal = true,
            };
        }

        try
        {
            return await base.GenerateAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch when (dailyLimit is not null)
        {
            await _store.ReleaseAsync(user, today, request.Count, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _concurrency.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>The size a request without one will get: the model's default, else the largest it lists (it picks), else unknown.</summary>
    private ImageSize? SizeUsedFor(ImageGenerationRequest request, out string? modelName)
    {
        ImageProviderDescriptor? provider = _catalog?.Find(request.Provider ?? _catalog.DefaultProvider);
        ImageModelCapabilities? model = provider?.GetModel(request.Model);
        modelName = model?.Model;
        return Pricing.ImageSizeUsed.ByDefault(model);
    }

    private RateLimitLease? AcquireSlot(string user, int? maxConcurrency)
    {
        if (maxConcurrency is not { } limit)
        {
            return null;
        }

        RateLimitLease lease = _concurrency.AttemptAcquire((user, limit));
        if (lease.IsAcquired)
        {
            return lease;
        }

        lease.Dispose();
        throw new ImageGenerationException(
            ImageGenerationErrorKind.RateLimited,
            $"This user already has {limit} calls in flight, the most the quota allows. The call was not sent.")
        {
            IsLocalRefusal = true,
        };
    }

    [LoggerMessage(EventId = 5301, Level = LogLevel.Warning, Message = "user quotas: tier '{Tier}' is not configured under ImageGeneration:UserQuotas:Tiers; the base quotas apply")]
    private static partial void LogUnknownTier(ILogger logger, string tier);
}

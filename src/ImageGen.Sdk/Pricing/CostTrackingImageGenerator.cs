using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageGen.Sdk.Pricing;

/// <summary>
/// Sets <see cref="ImageGenerationResult.EstimatedCostUsd"/> on every provider result and enforces spending budgets:
/// before a call its estimated cost is reserved against each budget (a call that would pass one fails with
/// <see cref="ImageGenerationErrorKind.BudgetExceeded"/> and is not sent); after success the actual cost replaces it.
/// </summary>
/// <remarks>
/// <para>
/// The cost comes from the token usage the provider returned when the model is priced per token (GPT image models),
/// else from the price table per image. A model the table does not know has no estimate: such a call is allowed,
/// since refusing every call to a new model would break apps on a price-table gap, and its cost is recorded if the
/// usage prices it. A budget therefore cannot guard such a model: with a budget set, the first unpriced call per model
/// logs a Warning (later ones log at Debug).
/// </para>
/// <para>
/// A request without a size is estimated at the model's default size, or at the largest size it lists when it picks
/// the size itself (GPT image models, <c>auto</c>), just as <c>auto</c> quality is estimated at the dearest quality.
/// Names that stand for another model (an Azure deployment) are priced as that model.
/// </para>
/// <para>
/// It sits per provider inside retry, so each attempt is checked on its own: a failed attempt gives its reservation
/// back (providers do not bill failures), and a budget that fills while a call is retrying stops the next attempt.
/// </para>
/// </remarks>
public sealed partial class CostTrackingImageGenerator : DelegatingImageGenerator
{
    /// <summary>Bounds the models remembered for the once-per-model warning: model names come from requests.</summary>
    private const int MaxWarnedModels = 256;

    private readonly ImageProviderDescriptor _provider;
    private readonly ImagePriceTable _prices;
    private readonly BudgetGuard? _budget;
    private readonly ILogger _logger;
    private readonly Dictionary<string, string>? _pricedAs;
    private readonly ConcurrentDictionary<string, byte> _unpricedWarned = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Initializes a new instance.</summary>
    /// <param name="innerGenerator">The rest of the provider pipeline.</param>
    /// <param name="provider">The provider's descriptor (default model, type).</param>
    /// <param name="prices">The price table (for example <c>ImagePriceTable.Empty.With(OpenAIImagePrices.Models)</c>); none when <see langword="null"/>, so calls have no estimate.</param>
    /// <param name="budget">The budgets; none when <see langword="null"/>.</param>
    /// <param name="spendStore">Where spending lives; a private in-memory store when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock for budget periods; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="pricedAs">Model names (for example Azure deployments) priced as another model, by name (case-insensitive); none when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerGenerator"/> or <paramref name="provider"/> is <see langword="null"/>.</exception>
    public CostTrackingImageGenerator(
        IImageGenerator innerGenerator,
        ImageProviderDescriptor provider,
        ImagePriceTable? prices = null,
        BudgetOptions? budget = null,
        IBudgetSpendStore? spendStore = null,
        TimeProvider? timeProvider = null,
        ILogger? logger = null,
        IReadOnlyDictionary<string, string>? pricedAs = null)
        : base(innerGenerator)
    {
        ArgumentNullException.ThrowIfNull(provider);
        _provider = provider;
        _prices = prices ?? ImagePriceTable.Empty;
        TimeProvider clock = timeProvider ?? TimeProvider.System;
        _budget = budget is { HasLimits: true } ? new BudgetGuard(budget, spendStore ?? new InMemoryBudgetSpendStore(clock), clock) : null;
        _logger = logger ?? NullLogger.Instance;
        _pricedAs = pricedAs is { Count: > 0 } ? new Dictionary<string, string>(pricedAs, StringComparer.OrdinalIgnoreCase) : null;
    }

    /// <inheritdoc />
    public override async Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        string model = request.Model ?? _provider.DefaultModel;
        string pricedModel = PricedModel(model);
        ImageSize? size = request.Size ?? ImageSizeUsed.ByDefault(_provider.GetModel(model));
        decimal? perImage = _prices.GetImagePrice(pricedModel, size, request.Quality);
        decimal? estimate = perImage * request.Count;

        BudgetGuard.Reservation? reservation = null;
        if (_budget is not null)
        {
            if (estimate is { } amount)
            {
                reservation = await _budget.ReserveAsync(_provider.Name, request.User, amount, cancellationToken).ConfigureAwait(false);
            }
            else if (_unpricedWarned.Count < MaxWarnedModels && _unpricedWarned.TryAdd(model, 0))
            {
                LogUnpriced(_logger, _provider.Name, model, pricedModel, size?.ToString() ?? "default");
            }
            else
            {
                LogNoEstimate(_logger, _provider.Name, model);
            }
        }

        ImageGenerationResult result;
        try
        {
            result = await base.GenerateAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            if (reservation is not null)
            {
                await _budget!.ReleaseAsync(reservation).ConfigureAwait(false);
            }

            throw;
        }

        decimal? fromUsage = result.EstimatedCostUsd is null
            ? _prices.GetCostFromUsage(PricedModel(result.Model), result.Usage) ?? _prices.GetCostFromUsage(pricedModel, result.Usage)
            : null;
        bool isEstimate = result.EstimatedCostUsd is null && fromUsage is null && perImage is not null;
        decimal? actual = result.EstimatedCostUsd ?? fromUsage ?? perImage * result.Images.Count;
        if (reservation is not null)
        {
            await _budget!.SettleAsync(reservation, actual).ConfigureAwait(false);
        }
        else if (_budget is not null && actual is { } unestimated)
        {
            await _budget.RecordAsync(request.User, unestimated).ConfigureAwait(false);
        }

        return actual == result.EstimatedCostUsd && isEstimate == result.IsCostEstimated
            ? result
            : new ImageGenerationResult(result) { EstimatedCostUsd = actual, IsCostEstimated = isEstimate || result.IsCostEstimated };
    }

    /// <summary>The name a model is priced under: its own when the table has it (an explicit price wins), else the one it stands for.</summary>
    private string PricedModel(string model)
        => _pricedAs is not null && !_prices.Contains(model) && _pricedAs.TryGetValue(model, out string? priced) ? priced : model;

    [LoggerMessage(EventId = 5201, Level = LogLevel.Debug, Message = "budget: no price for model {Model} of provider {Provider}; the call is allowed without a budget check")]
    private static partial void LogNoEstimate(ILogger logger, string provider, string model);

    [LoggerMessage(EventId = 5202, Level = LogLevel.Warning, Message = "budget: no price for model {Model} (priced as {PricedModel}, size {Size}) of provider {Provider}; budgets cannot guard its calls, which are allowed. Add its prices under ImageGeneration:Pricing:Models (for an Azure deployment, set the provider's DefaultModel to the model it runs)")]
    private static partial void LogUnpriced(ILogger logger, string provider, string model, string pricedModel, string size);
}

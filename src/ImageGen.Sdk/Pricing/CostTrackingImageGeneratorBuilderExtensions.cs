using ImageGen.Sdk.Pricing;
using Microsoft.Extensions.Logging;

namespace ImageGen.Sdk;

/// <summary>Adds <see cref="CostTrackingImageGenerator"/> to a pipeline.</summary>
public static class CostTrackingImageGeneratorBuilderExtensions
{
    /// <summary>
    /// Adds cost estimation (<see cref="ImageGenerationResult.EstimatedCostUsd"/>) and, when <paramref name="budget"/>
    /// sets a limit, budget enforcement. Place it per provider, inside retry and above the rate limiter.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="provider">The provider's descriptor.</param>
    /// <param name="prices">The price table (for example <c>ImagePriceTable.Empty.With(OpenAIImagePrices.Models)</c>); none when <see langword="null"/>.</param>
    /// <param name="budget">The budgets; none when <see langword="null"/>.</param>
    /// <param name="spendStore">Where spending lives (share one between pipelines so they spend from one budget); taken from the services, else private in-memory, when <see langword="null"/>.</param>
    /// <param name="pricedAs">Model names (for example Azure deployments) priced as another model; none when <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="provider"/> is <see langword="null"/>.</exception>
    public static ImageGeneratorBuilder UseCostTracking(
        this ImageGeneratorBuilder builder,
        ImageProviderDescriptor provider,
        ImagePriceTable? prices = null,
        BudgetOptions? budget = null,
        IBudgetSpendStore? spendStore = null,
        IReadOnlyDictionary<string, string>? pricedAs = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(provider);
        return builder.Use((inner, services) => new CostTrackingImageGenerator(
            inner,
            provider,
            prices,
            budget,
            spendStore ?? (IBudgetSpendStore?)services.GetService(typeof(IBudgetSpendStore)),
            (TimeProvider?)services.GetService(typeof(TimeProvider)),
            ((ILoggerFactory?)services.GetService(typeof(ILoggerFactory)))?.CreateLogger<CostTrackingImageGenerator>(),
            pricedAs));
    }
}

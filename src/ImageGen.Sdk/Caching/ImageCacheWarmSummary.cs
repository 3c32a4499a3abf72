namespace ImageGen.Sdk;

/// <summary>The outcome of <see cref="IImageCache.WarmAsync"/>.</summary>
/// <param name="AlreadyCached">Requests that were already cached (nothing was spent).</param>
/// <param name="Generated">Requests generated and stored.</param>
/// <param name="Failed">Requests that failed (logged; nothing stored).</param>
/// <param name="Skipped">Requests not warmed because the cache would not store them (<c>Count</c> above 1 without <see cref="ImageCacheOptions.CacheMultipleImages"/>).</param>
public sealed record ImageCacheWarmSummary(int AlreadyCached, int Generated, int Failed, int Skipped);

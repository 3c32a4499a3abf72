namespace ImageGen.Sdk;

/// <summary>How a single request uses the cache.</summary>
public enum CacheMode
{
    /// <summary>Read from the cache and store successful results (the default).</summary>
    Default = 0,

    /// <summary>Neither read from nor write to the cache.</summary>
    Bypass = 1,

    /// <summary>Skip the read, call the provider and overwrite the cached entry.</summary>
    Refresh = 2,
}

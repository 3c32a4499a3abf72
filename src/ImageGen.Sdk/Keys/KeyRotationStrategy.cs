namespace ImageGen.Sdk;

/// <summary>How a provider with several API keys picks the key for each attempt (<c>Providers:{name}:KeyRotation</c>).</summary>
public enum KeyRotationStrategy
{
    /// <summary>Each attempt takes the next healthy key in turn, spreading load evenly. The default.</summary>
    RoundRobin = 0,

    /// <summary>Each attempt takes the healthy key with the fewest calls in flight, then the fewest calls so far.</summary>
    LeastUsed,

    /// <summary>Healthy keys take turns in proportion to <c>KeyWeights</c> (for example keys of accounts with different limits).</summary>
    Weighted,

    /// <summary>Always the first healthy key in configured order: a primary, then backups.</summary>
    Failover,
}

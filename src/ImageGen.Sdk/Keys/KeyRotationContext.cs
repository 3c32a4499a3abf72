using Microsoft.Extensions.Logging;

namespace ImageGen.Sdk.Keys;

/// <summary>What the parts of one provider's key layer share: the provider, the options, the store, the clock and the log.</summary>
internal sealed record KeyRotationContext(string Provider, KeyRotationOptions Options, IKeyStateStore Store, TimeProvider TimeProvider, ILogger Logger);

namespace ImageGen.Sdk.Testing;

/// <summary>One call a <see cref="FakeImageGenerator"/> received.</summary>
/// <param name="Request">The request.</param>
/// <param name="At">When the call arrived, on the generator's <see cref="TimeProvider"/>.</param>
/// <param name="CancellationToken">The token the caller passed.</param>
public sealed record FakeImageGeneratorCall(ImageGenerationRequest Request, DateTimeOffset At, CancellationToken CancellationToken);

using ImageGen.Sdk;

namespace ImageGen.Samples.Testing;

/// <summary>What <see cref="CoverService"/> shows the user.</summary>
/// <param name="Status">The outcome.</param>
/// <param name="Image">The cover, when <see cref="CoverStatus.Ready"/>.</param>
/// <param name="Attempts">How many provider calls it took.</param>
/// <param name="RetryAfter">How long to wait before asking again, when known.</param>
/// <param name="Message">The message for the user.</param>
public sealed record Cover(CoverStatus Status, GeneratedImage? Image, int Attempts, TimeSpan? RetryAfter, string Message);

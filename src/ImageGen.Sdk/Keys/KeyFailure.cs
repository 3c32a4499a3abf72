namespace ImageGen.Sdk.Keys;

/// <summary>Why a failure is blamed on the key that made the call, if it is.</summary>
internal enum KeyFailure
{
    /// <summary>Not about the key: another key would fail the same way.</summary>
    None,

    /// <summary>401 / <see cref="ImageGenerationErrorKind.Authentication"/>: the key is retired.</summary>
    Rejected,

    /// <summary>402 / <see cref="ImageGenerationErrorKind.QuotaExceeded"/>: the key is parked.</summary>
    OutOfQuota,

    /// <summary>429 / <see cref="ImageGenerationErrorKind.RateLimited"/>: the key cools.</summary>
    RateLimited,
}

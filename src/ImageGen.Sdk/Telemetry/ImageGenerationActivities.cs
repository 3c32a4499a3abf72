using System.Diagnostics;

namespace ImageGen.Sdk.Telemetry;

/// <summary>
/// Starts and annotates the SDK's spans. The telemetry layer opens the operation span; the retry layer opens one
/// child span per provider attempt with <see cref="StartAttempt"/>, and the limiter, key and fallback layers add
/// their facts to <see cref="Activity.Current"/> with the <c>Set…</c> helpers.
/// </summary>
internal static class ImageGenerationActivities
{
    /// <summary>Starts the span of one provider attempt, a child of the current span; <see langword="null"/> while nobody listens.</summary>
    /// <param name="provider">The provider the attempt goes to.</param>
    /// <param name="model">The model, when known.</param>
    /// <param name="attempt">The attempt number, starting at 1.</param>
    /// <returns>The started span, to dispose when the attempt ends; <see langword="null"/> when not sampled.</returns>
    public static Activity? StartAttempt(string provider, string? model, int attempt)
    {
        Activity? activity = ImageGenerationTelemetry.Source.StartActivity($"attempt {provider}", ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(TelemetryTags.OperationName, TelemetryTags.GenerateContent);
            activity.SetTag(TelemetryTags.ProviderName, provider);
            activity.SetTag(TelemetryTags.Attempt, attempt);
            if (model is not null)
            {
                activity.SetTag(TelemetryTags.RequestModel, model);
            }
        }

        return activity;
    }

    /// <summary>Marks a span failed: <c>error.type</c> and an error status carrying the message (never a key: messages are redacted).</summary>
    /// <param name="activity">The span, or <see langword="null"/>.</param>
    /// <param name="error">The failure.</param>
    public static void SetError(Activity? activity, Exception error)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag(TelemetryTags.ErrorType, TelemetryTagValues.ErrorType(error));
        activity.SetStatus(ActivityStatusCode.Error, error.Message);
    }

    /// <summary>Notes the fingerprint (never the key) of the API key an attempt used.</summary>
    /// <param name="activity">The attempt span, or <see langword="null"/>.</param>
    /// <param name="fingerprint">The key's fingerprint.</param>
    public static void SetKeyFingerprint(Activity? activity, string fingerprint)
        => activity?.SetTag(TelemetryTags.KeyFingerprint, fingerprint);

    /// <summary>Notes how long an attempt waited for a permit or a key, in seconds.</summary>
    /// <param name="activity">The attempt span, or <see langword="null"/>.</param>
    /// <param name="wait">The wait.</param>
    public static void SetWait(Activity? activity, TimeSpan wait)
        => activity?.SetTag(TelemetryTags.WaitDuration, wait.TotalSeconds);

    /// <summary>Notes that a request moved to another provider: the hop number (1 for the first fallback) and the provider.</summary>
    /// <param name="activity">The operation span, or <see langword="null"/>.</param>
    /// <param name="hop">The hop number.</param>
    /// <param name="provider">The provider tried now.</param>
    public static void SetFallbackHop(Activity? activity, int hop, string provider)
    {
        activity?.SetTag(TelemetryTags.FallbackHop, hop);
        activity?.SetTag(TelemetryTags.FallbackTo, provider);
    }
}

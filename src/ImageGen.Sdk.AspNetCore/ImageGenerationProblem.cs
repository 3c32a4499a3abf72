using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace ImageGen.Sdk.AspNetCore;

/// <summary>Maps an exception to a status code, problem details and an optional <c>Retry-After</c>.</summary>
/// <remarks>
/// Titles and details are fixed per kind: a provider's message may quote the prompt (a content refusal does), and
/// the response must never carry it. The caller-mistake message is the SDK's own validation text.
/// </remarks>
internal static class ImageGenerationProblem
{
    public static int StatusCodeFor(ImageGenerationErrorKind kind) => kind switch
    {
        ImageGenerationErrorKind.ContentFiltered => StatusCodes.Status422UnprocessableEntity,
        ImageGenerationErrorKind.RateLimited or ImageGenerationErrorKind.QuotaExceeded or ImageGenerationErrorKind.BudgetExceeded
            => StatusCodes.Status429TooManyRequests,
        ImageGenerationErrorKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        ImageGenerationErrorKind.Timeout => StatusCodes.Status504GatewayTimeout,
        _ => StatusCodes.Status502BadGateway,
    };

    public static ProblemDetails For(ArgumentException exception)
    {
        ProblemDetails problem = new()
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The image request is invalid.",
            Detail = exception.Message,
        };
        if (exception.ParamName is { } parameter)
        {
            problem.Extensions["parameter"] = parameter;
        }

        return problem;
    }

    public static ProblemDetails For(ImageGenerationException exception)
    {
        ProblemDetails problem = new()
        {
            Status = StatusCodeFor(exception.Kind),
            Title = TitleFor(exception.Kind),
        };
        problem.Extensions["kind"] = exception.Kind.ToString();
        Add(problem, "provider", exception.Provider);
        Add(problem, "providerStatusCode", exception.StatusCode);
        Add(problem, "providerErrorCode", exception.ProviderErrorCode);
        Add(problem, "providerRequestId", exception.ProviderRequestId);
        if (RetryAfterSeconds(exception) is { } seconds)
        {
            problem.Extensions["retryAfterSeconds"] = seconds;
        }

        return problem;
    }

    /// <summary>Whole seconds, rounded up, for a 429 or 503 whose wait is known (Retry-After takes no fractions).</summary>
    public static long? RetryAfterSeconds(ImageGenerationException exception)
        => exception.RetryAfter is { } wait && StatusCodeFor(exception.Kind) is StatusCodes.Status429TooManyRequests or StatusCodes.Status503ServiceUnavailable
            ? Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds))
            : null;

    public static string FormatRetryAfter(long seconds) => seconds.ToString(CultureInfo.InvariantCulture);

    private static string TitleFor(ImageGenerationErrorKind kind) => kind switch
    {
        ImageGenerationErrorKind.ContentFiltered => "The image provider refused the content.",
        ImageGenerationErrorKind.RateLimited => "Too many image requests; try again later.",
        ImageGenerationErrorKind.QuotaExceeded => "The image provider's quota is exhausted.",
        ImageGenerationErrorKind.BudgetExceeded => "The image-generation budget is exhausted.",
        ImageGenerationErrorKind.Unavailable => "The image provider is unavailable; try again later.",
        ImageGenerationErrorKind.Timeout => "The image provider did not answer in time.",
        _ => "The image provider failed.",
    };

    private static void Add(ProblemDetails problem, string name, object? value)
    {
        if (value is not null)
        {
            problem.Extensions[name] = value;
        }
    }
}

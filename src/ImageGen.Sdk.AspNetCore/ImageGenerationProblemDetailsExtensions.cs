using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ImageGen.Sdk.AspNetCore;

/// <summary>Registers the ASP.NET Core problem-details mapping of image-generation failures.</summary>
public static class ImageGenerationProblemDetailsExtensions
{
    /// <summary>
    /// Answers an unhandled <see cref="ArgumentException"/> or <see cref="ImageGenerationException"/> with RFC 9457
    /// problem details: 400 for caller mistakes, 422 for a content refusal, 429 with <c>Retry-After</c> for rate
    /// limits, quotas and budgets, 503 when the provider is unavailable, 504 for a time-out and 502 for other provider
    /// failures. The body carries the failure's kind, provider, provider status, provider error code and request id;
    /// never an API key, a prompt or the provider's message.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <remarks>
    /// Registers an <see cref="IExceptionHandler"/> and <c>AddProblemDetails()</c>; the app still calls
    /// <c>app.UseExceptionHandler()</c> so unhandled exceptions reach the handler. Other exceptions are left to the
    /// next handler (by default a 500 problem).
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    public static IServiceCollection AddImageGenerationProblemDetails(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddProblemDetails();
        // TryAddEnumerable: calling this twice must not answer each failure twice.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IExceptionHandler, ImageGenerationExceptionHandler>());
        return services;
    }
}

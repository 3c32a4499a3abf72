using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace ImageGen.Sdk.AspNetCore;

/// <summary>Writes image-generation failures as problem details (see <see cref="ImageGenerationProblem"/>).</summary>
internal sealed class ImageGenerationExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails? problem;
        switch (exception)
        {
            case ImageGenerationException failure:
                problem = ImageGenerationProblem.For(failure);
                if (ImageGenerationProblem.RetryAfterSeconds(failure) is { } seconds)
                {
                    httpContext.Response.Headers[HeaderNames.RetryAfter] = ImageGenerationProblem.FormatRetryAfter(seconds);
                }

                break;
            case ArgumentException mistake:
                problem = ImageGenerationProblem.For(mistake);
                break;
            default:
                return false;
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        }).ConfigureAwait(false);
    }
}

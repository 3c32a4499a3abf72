using ImageGen.Sdk;

namespace ImageGen.Samples.Testing;

/// <summary>
/// The app's own logic on top of the SDK: draws a book cover and decides what the user sees when the provider
/// refuses, is busy or is down. These are the paths worth testing, and a real provider will not produce them on demand.
/// </summary>
public sealed class CoverService(IImageGenerator images)
{
    /// <summary>Draws the cover of a book.</summary>
    public async Task<Cover> DrawAsync(string title, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        try
        {
            ImageGenerationResult result = await images.GenerateAsync(
                new ImageGenerationRequest($"A book cover for \"{title}\", bold typography, no text other than the title")
                {
                    Size = new ImageSize(1024, 1536),
                },
                ct);
            return new Cover(CoverStatus.Ready, result.Images[0], result.Attempts, null, "Here is your cover.");
        }
        catch (ImageGenerationException ex) when (ex.Kind == ImageGenerationErrorKind.ContentFiltered)
        {
            // Not worth retrying: the user must change the title.
            return new Cover(CoverStatus.Refused, null, ex.Attempts, null, "This title can't be drawn; try another wording.");
        }
        catch (ImageGenerationException ex) when (ex.Kind is ImageGenerationErrorKind.RateLimited or ImageGenerationErrorKind.QuotaExceeded or ImageGenerationErrorKind.BudgetExceeded)
        {
            return new Cover(CoverStatus.TryLater, null, ex.Attempts, ex.RetryAfter, "We're busy; try again in a moment.");
        }
        catch (ImageGenerationException ex) when (ex.IsTransient)
        {
            // The SDK already retried (and fell back, when configured): the provider is down for now.
            return new Cover(CoverStatus.Unavailable, null, ex.Attempts, ex.RetryAfter, "Covers are unavailable right now.");
        }
    }
}

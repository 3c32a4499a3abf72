namespace ImageGen.Sdk;

/// <summary>
/// Where each end user's daily image count lives. The default keeps it in memory; a shared store lets several
/// app instances enforce one daily limit.
/// </summary>
/// <remarks>Implementations are thread-safe; <see cref="TryConsumeAsync"/> must check and add atomically.</remarks>
public interface IUserQuotaStore
{
    /// <summary>Adds <paramref name="images"/> to the user's count for <paramref name="day"/> only if it stays within <paramref name="limit"/>.</summary>
    /// <param name="user">The user id.</param>
    /// <param name="day">The UTC day.</param>
    /// <param name="images">The images the call asks for.</param>
    /// <param name="limit">The user's daily limit.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns><see langword="true"/> when added; <see langword="false"/> when over the limit (nothing added).</returns>
    ValueTask<bool> TryConsumeAsync(string user, DateOnly day, int images, int limit, CancellationToken cancellationToken = default);

    /// <summary>Gives back images of a call that failed.</summary>
    /// <param name="user">The user id.</param>
    /// <param name="day">The UTC day the images were counted on.</param>
    /// <param name="images">The images to give back.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>A task that completes when the count is stored.</returns>
    ValueTask ReleaseAsync(string user, DateOnly day, int images, CancellationToken cancellationToken = default);
}

namespace ImageGen.Sdk;

/// <summary>
/// Chooses an end user's quota tier (a key of <c>ImageGeneration:UserQuotas:Tiers</c>), for example from their
/// subscription. Register one in the container; without one every user gets the base quotas.
/// </summary>
public interface IUserTierResolver
{
    /// <summary>Gets the tier of <paramref name="user"/>.</summary>
    /// <param name="user">The user id from <see cref="ImageGenerationRequest.User"/>.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The tier name, or <see langword="null"/> for the base quotas.</returns>
    ValueTask<string?> GetTierAsync(string user, CancellationToken cancellationToken = default);
}

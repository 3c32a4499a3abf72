namespace ImageGen.Sdk.Keys;

/// <summary>
/// Awaits key-state writes so that a failing store never replaces a call's outcome (an image already paid for, or
/// the provider's own failure): the failure is logged and the layer carries on with this instance's view of the key.
/// </summary>
internal sealed class KeyStateRecorder(KeyRotationContext context)
{
    /// <summary>Awaits a write; a store failure is logged (event 5108), never thrown. Only the caller's cancellation propagates.</summary>
    public async Task RecordAsync(Task write, string fingerprint, CancellationToken cancellationToken)
    {
        try
        {
            await write.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception storeFailure)
        {
            KeyRotationLog.KeyStateNotStored(context.Logger, storeFailure, fingerprint, context.Provider);
        }
    }

    /// <summary>
    /// Awaits the retirement write of the one-key path, where the provider's failure must reach the caller unchanged:
    /// a store that fails is logged (event 5107; the key is retired in this process already, so it is never sent
    /// again before its probe), and a store that hangs holds the caller only until the caller cancels; the write then
    /// carries on, and a late failure of it is logged too. Never throws.
    /// </summary>
    public async Task RecordRetirementAsync(Task write, string fingerprint, CancellationToken cancellationToken)
    {
        try
        {
            await write.WaitAsync(cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Handled below: the caller left while the store was still writing.
        }
        catch (Exception storeFailure)
        {
            KeyRotationLog.RetirementNotStored(context.Logger, storeFailure, fingerprint, context.Provider);
            return;
        }

        _ = write.ContinueWith(
            static (finished, state) =>
            {
                (KeyRotationContext context, string fingerprint) = ((KeyRotationContext, string))state!;
                KeyRotationLog.RetirementNotStored(context.Logger, finished.Exception!.GetBaseException(), fingerprint, context.Provider);
            },
            (context, fingerprint),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>Starts a write nobody waits for (a reset after a reload); its failure is logged.</summary>
    public void RecordInBackground(Task write, string fingerprint)
        => _ = RecordAsync(write, fingerprint, CancellationToken.None);
}

namespace SharedChannels.TestSupport;

/// <summary>Waits for an outcome users would see, letting the hosts' sync settle between the checks.</summary>
public static class Polling
{
    /// <summary>How long a test waits for sync before failing.</summary>
    public static readonly TimeSpan SyncTimeout = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Checks <paramref name="condition"/>, and after <paramref name="settle"/> again until it holds (a message can be in
    /// flight between the checks); fails the test after <see cref="SyncTimeout"/>.
    /// </summary>
    public static async Task WaitUntilAsync(string what, Func<CancellationToken, Task<bool>> condition, Func<CancellationToken, Task> settle)
    {
        using var timeout = new CancellationTokenSource(SyncTimeout);
        try
        {
            while (!await condition(timeout.Token))
            {
                await settle(timeout.Token);
                await Task.Delay(TimeSpan.FromMilliseconds(20), timeout.Token);
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            Assert.Fail($"Waited {SyncTimeout.TotalSeconds} s for {what}, in vain.");
        }
    }
}

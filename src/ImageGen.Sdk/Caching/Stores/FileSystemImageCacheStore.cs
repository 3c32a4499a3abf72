using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Win32.SafeHandles;

namespace ImageGen.Sdk.Caching;

/// <summary>
/// Keeps entries in a directory that survives restarts and may be shared by several processes.
/// </summary>
/// <remarks>
/// <para>Layout under <c>{directory}/v1/</c>: <c>blobs/ab/{sha256 of the bytes}.blob</c> holds each image once
/// (content-addressed), and <c>entries/cd/{key}.entry</c> holds one small index file per key (metadata, expiry and
/// the blob hashes). File names derive only from hashes, never from the prompt.</para>
/// <para>Every file is written to a unique <c>.tmp</c> file and renamed into place, so readers in any process see a
/// whole file or none; one index file per key means writers never contend on a shared index. A blob whose length
/// or SHA-256 does not match its name is a miss and is deleted with its entry (the hash is checked once per blob
/// version per process: blobs are immutable once renamed into place). The index file's write time records the last
/// access, and eviction removes least recently used entries until the directory is under the size limit.</para>
/// <para>Several processes may share the directory. Each one re-scans the real directory contents (a full
/// <see cref="Sweep"/>) on its first write, after every <see cref="RescanEveryWrites"/> writes or 1% of
/// <see cref="MaxSizeBytes"/> written and at least every <see cref="RescanInterval"/> while it writes, in the background
/// after the write that asked for it has returned (one at a time), and before a write returns whenever that write takes
/// its own estimate past 95% of the limit. A sweep that finds more than 95% evicts down to 90%, not counting blobs it
/// may not delete yet (evicting cannot free them). The 5% headroom absorbs what other processes write between two of
/// their own re-scans (up to about four writing at once). A blob no entry
/// references is deleted only once it is older than <see cref="BlobGracePeriod"/>, because another process may have
/// just written it and not yet its index file, unless its write time is still the one this instance gave it (its own
/// index file, already written, was the last to claim it); a write that finds its blob already in place refreshes
/// the blob's write time for the same reason.</para>
/// </remarks>
public sealed class FileSystemImageCacheStore : IImageCacheStore, IDisposable
{
    private const string EntryExtension = ".entry";
    private const string BlobExtension = ".blob";
    private const string TempExtension = ".tmp";
    private const int MaxVerifiedBlobs = 100_000;
    private static readonly TimeSpan TempFileMaxAge = TimeSpan.FromHours(1);

    /// <summary>A full re-scan runs after this many writes of this instance at the latest.</summary>
    public const int RescanEveryWrites = 16;

    /// <summary>Gets how long after its last write a blob no entry references is kept (another process may be about to index it).</summary>
    public static TimeSpan BlobGracePeriod { get; } = TimeSpan.FromMinutes(10);

    /// <summary>Gets the longest time between two full re-scans while this instance writes.</summary>
    public static TimeSpan RescanInterval { get; } = TimeSpan.FromMinutes(1);

    private readonly string _entriesDirectory;
    private readonly string _blobsDirectory;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<ImageCacheKey, long> _verifiedBlobs = new();
    private readonly object _figuresLock = new();

    // -1 until the directory was first scanned (by a sweep, or by GetStatistics after a restart).
    private long _approximateBytes = -1;
    private long _entryCount;
    private long _evictions;

    // Guarded by _writeLock: the write time this instance last gave each blob, for blobs touched within the grace
    // period. A blob whose write time is still ours was last claimed by an index file this instance already wrote, so
    // a sweep may delete it at once; any other young blob may be claimed by another process's pending write.
    private readonly Dictionary<string, long> _ownBlobTouches = new(StringComparer.Ordinal);

    // Guarded by _writeLock: what this instance wrote since its last full sweep (null: never swept).
    private DateTimeOffset? _lastSweep;
    private int _writesSinceSweep;
    private long _bytesSinceSweep;

    // Guarded by _writeLock: the bytes the last sweep found on disk but could not delete yet (young blobs no entry
    // references); the size estimate passes the high-water mark only above them.
    private long _protectedBytes;

    // Guarded by _writeLock: how many sweeps this instance finished.
    private long _sweeps;

    // The re-scan a write asked for runs in the background, so the writer's caller never waits for it; at most one
    // runs at a time (1 while it runs), and Dispose cancels and awaits it.
    private readonly CancellationTokenSource _disposing = new();
    private int _rescanRunning;
    private Task _rescan = Task.CompletedTask;

    /// <summary>Initializes a new store over <paramref name="directory"/> (created on first write).</summary>
    /// <param name="directory">The cache directory.</param>
    /// <param name="maxSizeBytes">The most bytes kept on disk (blobs plus index files).</param>
    /// <param name="timeProvider">The clock for expiry and last-access times; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">The logger.</param>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is blank.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxSizeBytes"/> is not positive.</exception>
    public FileSystemImageCacheStore(
        string directory, long maxSizeBytes = ImageCacheOptions.DefaultFileSystemMaxSizeBytes, TimeProvider? timeProvider = null, ILogger<FileSystemImageCacheStore>? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxSizeBytes);
        Directory = Path.GetFullPath(directory);
        MaxSizeBytes = maxSizeBytes;
        _entriesDirectory = Path.Combine(Directory, "v1", "entries");
        _blobsDirectory = Path.Combine(Directory, "v1", "blobs");
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>Gets the cache directory.</summary>
    public string Directory { get; }

    /// <summary>Gets the most bytes kept on disk.</summary>
    public long MaxSizeBytes { get; }

    /// <inheritdoc />
    public ValueTask<ImageCacheEntry?> GetAsync(ImageCacheKey key, CancellationToken cancellationToken = default)
    {
        // Synchronous on purpose: these are short reads, mostly from the page cache, and an async file read on
        // Linux is the same read moved to the thread pool.
        cancellationToken.ThrowIfCancellationRequested();
        string path = EntryPath(key);
        byte[] data;
        try
        {
            data = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return default;
        }

        ImageCacheEntrySerializer.StoredEntry stored;
        try
        {
            stored = ImageCacheEntrySerializer.Deserialize(data);
        }
        // IOException covers EndOfStreamException and what BinaryReader throws for an invalid decimal.
        catch (Exception ex) when (ex is InvalidDataException or IOException or ArgumentException or FormatException)
        {
            DiscardCorrupted(key, path, null);
            return default;
        }

        DateTimeOffset now = _time.GetUtcNow();
        if (now > stored.RetainUntil)
        {
            if (TryDelete(path))
            {
                Interlocked.Increment(ref _evictions);
                Interlocked.Decrement(ref _entryCount);
            }

            return default;
        }

        foreach (ImageCacheEntrySerializer.StoredImage image in stored.Images)
        {
            byte[]? bytes = ReadBlob(image.Hash!, image.Length);
            if (bytes is null)
            {
                DiscardCorrupted(key, path, image.Hash);
                return default;
            }

            image.Data = bytes;
        }

        Touch(path, now);
        return new ValueTask<ImageCacheEntry?>(stored.ToEntry());
    }

    /// <inheritdoc />
    public async ValueTask SetAsync(ImageCacheKey key, ImageCacheEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        bool rescan;
        long requestedAfterSweep = 0;
        try
        {
            DateTimeOffset now = _time.GetUtcNow();
            long added = 0;
            byte[][] hashes = new byte[entry.Images.Count][];
            for (int i = 0; i < hashes.Length; i++)
            {
                ReadOnlyMemory<byte> data = entry.Images[i].Data;
                hashes[i] = SHA256.HashData(data.Span);
                string blobHex = Convert.ToHexStringLower(hashes[i]);
                string blobPath = BlobPath(blobHex);
                FileInfo existing = new(blobPath);

                // A blob already in place (the same image under several keys is stored once) gets a fresh write time:
                // another process's sweep, which may have listed the index files before ours lands, then keeps it as
                // young. If it vanished between the check and the touch, it is written again.
                bool inPlace = existing.Exists && existing.Length == data.Length && Touch(blobPath, now);
                if (!inPlace)
                {
                    WriteAtomically(blobPath, data.Span);
                    added += data.Length;
                    inPlace = Touch(blobPath, now);
                }

                if (inPlace)
                {
                    _ownBlobTouches[blobHex] = now.UtcDateTime.Ticks;
                }
            }

            byte[] index = ImageCacheEntrySerializer.Serialize(entry, sequence: 0, hashes);
            string entryPath = EntryPath(key);
            bool replaced = File.Exists(entryPath);
            WriteAtomically(entryPath, index);
            Touch(entryPath, now);
            if (!replaced)
            {
                Interlocked.Increment(ref _entryCount);
            }

            added += index.Length;
            _writesSinceSweep++;
            _bytesSinceSweep += added;
            long estimate = Interlocked.Read(ref _approximateBytes) >= 0 ? Interlocked.Add(ref _approximateBytes, added) : -1;
            if (estimate < 0)
            {
                // This instance's first write, before any sweep: a listing (no index file is read) gives the high-water
                // check below a figure at once, whenever the background re-scan gets to run.
                ScanFigures();
                estimate = Interlocked.Read(ref _approximateBytes);
            }

            // This instance's own writes past the high-water mark are evicted at once, so one process alone never
            // goes over the limit; that happens once per 5% of the limit written at most.
            rescan = false;
            if (estimate >= 0 && estimate - _protectedBytes > HighWaterBytes)
            {
                SweepLocked(cancellationToken);
            }

            // Other processes' writes are invisible to this estimate until a re-scan, hence the re-scans by count,
            // bytes and time, and the 5% headroom below the limit (which also covers what lands while the background
            // re-scan waits for the lock).
            else if (_lastSweep is not DateTimeOffset last
                || estimate < 0
                || _writesSinceSweep >= RescanEveryWrites
                || _bytesSinceSweep >= RescanBytes
                || now - last >= RescanInterval)
            {
                rescan = true;
                requestedAfterSweep = _sweeps;
            }
        }
        finally
        {
            _writeLock.Release();
        }

        if (rescan)
        {
            StartRescan(requestedAfterSweep);
        }
    }

    /// <summary>Completes when the background re-scan running now (if any) has finished; for tests.</summary>
    internal Task WhenRescannedAsync() => Volatile.Read(ref _rescan);

    private void StartRescan(long requestedAfterSweep)
    {
        // Reads and parses every index file: never on the writer's path, and never two at once.
        if (_disposing.IsCancellationRequested || Interlocked.CompareExchange(ref _rescanRunning, 1, 0) != 0)
        {
            return;
        }

        Volatile.Write(ref _rescan, Task.Run(() => RescanAsync(requestedAfterSweep)));
    }

    private async Task RescanAsync(long requestedAfterSweep)
    {
        CancellationToken cancellationToken = default;
        try
        {
            cancellationToken = _disposing.Token;
            await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                // A sweep that ran since the request (a write past the high-water mark, Sweep, InvalidateAsync) did the job.
                if (_sweeps == requestedAfterSweep)
                {
                    SweepLocked(cancellationToken);
                }
            }
            finally
            {
                _writeLock.Release();
            }
        }
        catch (Exception ex) when (ex is ObjectDisposedException || (ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            // Disposed meanwhile.
        }
        catch (Exception ex)
        {
            // Like any store failure: logged, never thrown at a caller; the next write asks again.
            ImageCacheLog.StoreFailed(_logger, nameof(FileSystemImageCacheStore), "re-scan its directory", 0, ex);
        }
        finally
        {
            Volatile.Write(ref _rescanRunning, 0);
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> RemoveAsync(ImageCacheKey key, CancellationToken cancellationToken = default)
    {
        // The blobs stay until the next sweep: another entry may share them.
        bool removed = TryDelete(EntryPath(key));
        if (removed)
        {
            Interlocked.Decrement(ref _entryCount);
        }

        return new ValueTask<bool>(removed);
    }

    /// <inheritdoc />
    public async ValueTask InvalidateAsync(string? provider, string? model, CancellationToken cancellationToken = default)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (string path in EnumerateFiles(_entriesDirectory, "*" + EntryExtension))
            {
                cancellationToken.ThrowIfCancellationRequested();
                ImageCacheEntrySerializer.StoredEntry? stored = TryReadIndex(path);
                if ((stored is null || stored.Matches(provider, model)) && TryDelete(path))
                {
                    Interlocked.Decrement(ref _entryCount);
                }
            }

            SweepLocked(cancellationToken);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask ClearAsync(CancellationToken cancellationToken = default)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // File by file rather than the whole tree: another process may be writing into it right now.
            foreach (string path in EnumerateFiles(_entriesDirectory, "*" + EntryExtension))
            {
                cancellationToken.ThrowIfCancellationRequested();
                TryDelete(path);
            }

            foreach (string path in EnumerateFiles(_blobsDirectory, "*" + BlobExtension))
            {
                cancellationToken.ThrowIfCancellationRequested();
                TryDelete(path);
            }

            _verifiedBlobs.Clear();
            Interlocked.Exchange(ref _entryCount, 0);
            Interlocked.Exchange(ref _approximateBytes, 0);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Entries and bytes are those found on disk by the last scan plus this instance's own changes since. A new
    /// instance (after a restart) scans the directory on its first call, so the figures never read 0 over a full cache.
    /// </remarks>
    public ImageCacheStoreStatistics GetStatistics()
    {
        if (Interlocked.Read(ref _approximateBytes) < 0)
        {
            ScanFigures();
        }

        return new()
        {
            Entries = Math.Max(0, Interlocked.Read(ref _entryCount)),
            Bytes = Math.Max(0, Interlocked.Read(ref _approximateBytes)),
            Evictions = Interlocked.Read(ref _evictions),
        };
    }

    /// <summary>
    /// Re-scans the directory: removes entries past their retention; when the directory holds more than 95% of the
    /// limit, removes least recently used entries until it is at most 90% (blobs it may not delete yet not counted);
    /// removes blobs no entry references once
    /// they are older than <see cref="BlobGracePeriod"/>, and temporary files left by crashed writers. Recomputes the
    /// figures from what is on disk.
    /// </summary>
    /// <param name="cancellationToken">Cancels the sweep.</param>
    public void Sweep(CancellationToken cancellationToken = default)
    {
        _writeLock.Wait(cancellationToken);
        try
        {
            SweepLocked(cancellationToken);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private long HighWaterBytes => MaxSizeBytes - (MaxSizeBytes / 20);

    private long RescanBytes => Math.Max(1, MaxSizeBytes / 100);

    private void SweepLocked(CancellationToken cancellationToken)
    {
        DateTimeOffset now = _time.GetUtcNow();
        List<(string Path, DateTime LastAccess, long Size, string[] Blobs)> entries = [];
        Dictionary<string, int> references = new(StringComparer.Ordinal);
        foreach (FileInfo info in EnumerateFileInfos(_entriesDirectory, "*" + EntryExtension))
        {
            cancellationToken.ThrowIfCancellationRequested();
            ImageCacheEntrySerializer.StoredEntry? stored = TryReadIndex(info.FullName);
            if (stored is null || now > stored.RetainUntil)
            {
                if (TryDelete(info.FullName) && stored is not null)
                {
                    Interlocked.Increment(ref _evictions);
                }

                continue;
            }

            string[] blobs = stored.Images.Select(i => Convert.ToHexStringLower(i.Hash!)).Distinct(StringComparer.Ordinal).ToArray();
            foreach (string blob in blobs)
            {
                references[blob] = references.GetValueOrDefault(blob) + 1;
            }

            entries.Add((info.FullName, info.LastWriteTimeUtc, info.Length, blobs));
        }

        DateTime graceStart = (now - BlobGracePeriod).UtcDateTime;
        foreach (KeyValuePair<string, long> touch in _ownBlobTouches.ToList())
        {
            if (touch.Value < graceStart.Ticks)
            {
                _ownBlobTouches.Remove(touch.Key);
            }
        }

        Dictionary<string, (long Size, DateTime LastWrite)> blobFiles = new(StringComparer.Ordinal);
        long total = entries.Sum(e => e.Size);

        // Bytes no sweep may delete now: young blobs no entry references (another process may be indexing them). They
        // count on disk but evicting entries cannot free them, so eviction aims above them; otherwise enough of them
        // would make the sweep evict every entry and still end above its target.
        long protectedBytes = 0;
        foreach (FileInfo info in EnumerateFileInfos(_blobsDirectory, "*" + BlobExtension))
        {
            string hash = Path.GetFileNameWithoutExtension(info.Name);
            DateTime lastWrite = info.LastWriteTimeUtc;
            bool referenced = references.ContainsKey(hash);
            if (!referenced && MayDeleteBlob(hash, lastWrite, graceStart))
            {
                TryDelete(info.FullName);
                continue;
            }

            blobFiles[hash] = (info.Length, lastWrite);
            total += info.Length;
            if (!referenced)
            {
                protectedBytes += info.Length;
            }
        }

        int remaining = entries.Count;
        long target = MaxSizeBytes / 10 * 9;
        if (total - protectedBytes > HighWaterBytes)
        {
            foreach ((string path, _, long size, string[] blobs) in entries.OrderBy(e => e.LastAccess))
            {
                if (total - protectedBytes <= target)
                {
                    break;
                }

                if (!TryDelete(path))
                {
                    continue;
                }

                Interlocked.Increment(ref _evictions);
                total -= size;
                remaining--;
                foreach (string blob in blobs)
                {
                    if (--references[blob] != 0 || !blobFiles.TryGetValue(blob, out (long Size, DateTime LastWrite) file))
                    {
                        continue;
                    }

                    // A blob written or re-used within the grace period may belong to an index file another process is
                    // writing right now: it stays until a later sweep, and evicting further cannot free it either.
                    if (MayDeleteBlob(blob, file.LastWrite, graceStart))
                    {
                        TryDelete(Path.Combine(_blobsDirectory, blob[..2], blob + BlobExtension));
                        total -= file.Size;
                    }
                    else
                    {
                        protectedBytes += file.Size;
                    }
                }
            }
        }

        foreach (string path in EnumerateFiles(Path.Combine(Directory, "v1"), "*" + TempExtension))
        {
            if (now.UtcDateTime - File.GetLastWriteTimeUtc(path) > TempFileMaxAge)
            {
                TryDelete(path);
            }
        }

        lock (_figuresLock)
        {
            Interlocked.Exchange(ref _entryCount, remaining);
            Interlocked.Exchange(ref _approximateBytes, Math.Max(0, total));
        }

        _protectedBytes = protectedBytes;
        _sweeps++;
        _lastSweep = now;
        _writesSinceSweep = 0;
        _bytesSinceSweep = 0;
    }

    /// <summary>Tells whether an unreferenced blob may go: old enough, or last touched by this instance's own finished write.</summary>
    private bool MayDeleteBlob(string hash, DateTime lastWrite, DateTime graceStart)
        => lastWrite < graceStart || (_ownBlobTouches.TryGetValue(hash, out long ours) && ours == lastWrite.Ticks);

    /// <summary>Counts the entries and bytes on disk without changing anything (the figures of a new instance).</summary>
    private void ScanFigures()
    {
        long entries = 0;
        long bytes = 0;
        foreach (FileInfo info in EnumerateFileInfos(_entriesDirectory, "*" + EntryExtension))
        {
            entries++;
            bytes += info.Length;
        }

        foreach (FileInfo info in EnumerateFileInfos(_blobsDirectory, "*" + BlobExtension))
        {
            bytes += info.Length;
        }

        lock (_figuresLock)
        {
            // A sweep that finished meanwhile knows better.
            if (Interlocked.Read(ref _approximateBytes) < 0)
            {
                Interlocked.Exchange(ref _entryCount, entries);
                Interlocked.Exchange(ref _approximateBytes, bytes);
            }
        }
    }

    private static List<FileInfo> EnumerateFileInfos(string directory, string pattern)
    {
        try
        {
            return new DirectoryInfo(directory).EnumerateFiles(pattern, SearchOption.AllDirectories).ToList();
        }
        catch (DirectoryNotFoundException)
        {
            return [];
        }
    }

    private static List<string> EnumerateFiles(string directory, string pattern)
    {
        try
        {
            return System.IO.Directory.EnumerateFiles(directory, pattern, SearchOption.AllDirectories).ToList();
        }
        catch (DirectoryNotFoundException)
        {
            return [];
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposing.IsCancellationRequested)
        {
            return;
        }

        _disposing.Cancel();

        // RescanAsync catches everything, so this wait only waits.
        Volatile.Read(ref _rescan).GetAwaiter().GetResult();
        _disposing.Dispose();
        _writeLock.Dispose();
    }

    private static bool TryDelete(string path)
    {
        try
        {
            if (!File.Exists(path))
            {
                return false;
            }

            File.Delete(path);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static ImageCacheEntrySerializer.StoredEntry? TryReadIndex(string path)
    {
        try
        {
            return ImageCacheEntrySerializer.Deserialize(File.ReadAllBytes(path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException or ArgumentException or FormatException)
        {
            return null;
        }
    }

    private static void WriteAtomically(string path, ReadOnlySpan<byte> data)
    {
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string temp = $"{path}.{Guid.NewGuid():N}{TempExtension}";
        try
        {
            using (FileStream stream = new(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1))
            {
                stream.Write(data);
            }

            // rename(2) replaces the target atomically: readers see the old file or the new one, never a mix.
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private static bool Touch(string path, DateTimeOffset now)
    {
        try
        {
            File.SetLastWriteTimeUtc(path, now.UtcDateTime);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Replaced or removed by another process meanwhile: its own write time is just as good.
            return false;
        }
    }

    private byte[]? ReadBlob(byte[] hash, int expectedLength)
    {
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(BlobPath(hash), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        using (handle)
        {
            long length = RandomAccess.GetLength(handle);
            if (length != expectedLength)
            {
                return null;
            }

            byte[] bytes = GC.AllocateUninitializedArray<byte>(expectedLength);
            int read = 0;
            while (read < bytes.Length)
            {
                int n = RandomAccess.Read(handle, bytes.AsSpan(read), read);
                if (n == 0)
                {
                    return null;
                }

                read += n;
            }

            ImageCacheKey blobKey = new(hash);
            long written = File.GetLastWriteTimeUtc(handle).Ticks;
            if (!_verifiedBlobs.TryGetValue(blobKey, out long verified) || verified != written)
            {
                Span<byte> actual = stackalloc byte[SHA256.HashSizeInBytes];
                SHA256.HashData(bytes, actual);
                if (!actual.SequenceEqual(hash))
                {
                    return null;
                }

                if (_verifiedBlobs.Count >= MaxVerifiedBlobs)
                {
                    _verifiedBlobs.Clear();
                }

                _verifiedBlobs[blobKey] = written;
            }

            return bytes;
        }
    }

    private void DiscardCorrupted(ImageCacheKey key, string entryPath, byte[]? blobHash)
    {
        ImageCacheLog.Corrupted(_logger, key);
        if (TryDelete(entryPath))
        {
            Interlocked.Decrement(ref _entryCount);
        }

        if (blobHash is not null)
        {
            _verifiedBlobs.TryRemove(new ImageCacheKey(blobHash), out _);
            TryDelete(BlobPath(blobHash));
        }
    }

    private string EntryPath(ImageCacheKey key)
    {
        string hex = key.ToHexString();
        return Path.Combine(_entriesDirectory, hex[..2], hex + EntryExtension);
    }

    private string BlobPath(byte[] hash) => BlobPath(Convert.ToHexStringLower(hash));

    private string BlobPath(string hex) => Path.Combine(_blobsDirectory, hex[..2], hex + BlobExtension);
}

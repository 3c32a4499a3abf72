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
/// </remarks>
public sealed class FileSystemImageCacheStore : IImageCacheStore, IDisposable
{
    private const string EntryExtension = ".entry";
    private const string BlobExtension = ".blob";
    private const string TempExtension = ".tmp";
    private const int MaxVerifiedBlobs = 100_000;
    private static readonly TimeSpan TempFileMaxAge = TimeSpan.FromHours(1);

    private readonly string _entriesDirectory;
    private readonly string _blobsDirectory;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<ImageCacheKey, long> _verifiedBlobs = new();
    private long _approximateBytes = -1;
    private long _entryCount;
    private long _evictions;

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
        try
        {
            bool firstWrite = Interlocked.Read(ref _approximateBytes) < 0;
            long added = 0;
            byte[][] hashes = new byte[entry.Images.Count][];
            for (int i = 0; i < hashes.Length; i++)
            {
                ReadOnlyMemory<byte> data = entry.Images[i].Data;
                hashes[i] = SHA256.HashData(data.Span);
                string blobPath = BlobPath(hashes[i]);
                FileInfo existing = new(blobPath);
                if (!existing.Exists || existing.Length != data.Length)
                {
                    // The same image under several keys is stored once.
                    WriteAtomically(blobPath, data.Span);
                    added += data.Length;
                }
            }

            byte[] index = ImageCacheEntrySerializer.Serialize(entry, sequence: 0, hashes);
            string entryPath = EntryPath(key);
            bool replaced = File.Exists(entryPath);
            WriteAtomically(entryPath, index);
            Touch(entryPath, _time.GetUtcNow());
            if (!replaced)
            {
                Interlocked.Increment(ref _entryCount);
            }

            long total = firstWrite ? -1 : Interlocked.Add(ref _approximateBytes, added + index.Length);
            if (firstWrite || total > MaxSizeBytes)
            {
                Sweep(cancellationToken);
            }
        }
        finally
        {
            _writeLock.Release();
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

            Sweep(cancellationToken);
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
    public ImageCacheStoreStatistics GetStatistics() => new()
    {
        Entries = Math.Max(0, Interlocked.Read(ref _entryCount)),
        Bytes = Math.Max(0, Interlocked.Read(ref _approximateBytes)),
        Evictions = Interlocked.Read(ref _evictions),
    };

    /// <summary>
    /// Removes entries past their retention, then least recently used entries until the directory is at most 90% of
    /// the limit, then blobs no entry references and temporary files left by crashed writers. Recomputes the figures.
    /// </summary>
    /// <param name="cancellationToken">Cancels the sweep.</param>
    public void Sweep(CancellationToken cancellationToken = default)
    {
        DateTimeOffset now = _time.GetUtcNow();
        List<(string Path, DateTime LastAccess, long Size, string[] Blobs)> entries = [];
        Dictionary<string, int> references = new(StringComparer.Ordinal);
        foreach (string path in EnumerateFiles(_entriesDirectory, "*" + EntryExtension))
        {
            cancellationToken.ThrowIfCancellationRequested();
            FileInfo info = new(path);
            ImageCacheEntrySerializer.StoredEntry? stored = TryReadIndex(path);
            if (stored is null || now > stored.RetainUntil)
            {
                if (TryDelete(path) && stored is not null)
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

            entries.Add((path, info.Exists ? info.LastWriteTimeUtc : DateTime.MinValue, info.Exists ? info.Length : 0, blobs));
        }

        Dictionary<string, long> blobSizes = new(StringComparer.Ordinal);
        foreach (string path in EnumerateFiles(_blobsDirectory, "*" + BlobExtension))
        {
            string hash = Path.GetFileNameWithoutExtension(path);
            if (references.ContainsKey(hash))
            {
                blobSizes[hash] = new FileInfo(path).Length;
            }
            else
            {
                TryDelete(path);
            }
        }

        long total = entries.Sum(e => e.Size) + blobSizes.Values.Sum();
        int remaining = entries.Count;
        long target = MaxSizeBytes / 10 * 9;
        if (total > MaxSizeBytes)
        {
            foreach ((string path, _, long size, string[] blobs) in entries.OrderBy(e => e.LastAccess))
            {
                if (total <= target)
                {
                    break;
                }

                if (!TryDelete(path))
                {
                    continue;
                }

                Interlocked.Increment(ref _evictions);
                total -= size;
                foreach (string blob in blobs)
                {
                    if (--references[blob] == 0 && blobSizes.TryGetValue(blob, out long blobSize))
                    {
                        TryDelete(Path.Combine(_blobsDirectory, blob[..2], blob + BlobExtension));
                        total -= blobSize;
                    }
                }

                remaining--;
            }
        }

        foreach (string path in EnumerateFiles(Path.Combine(Directory, "v1"), "*" + TempExtension))
        {
            if (now.UtcDateTime - File.GetLastWriteTimeUtc(path) > TempFileMaxAge)
            {
                TryDelete(path);
            }
        }

        Interlocked.Exchange(ref _entryCount, remaining);
        Interlocked.Exchange(ref _approximateBytes, Math.Max(0, total));
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
    public void Dispose() => _writeLock.Dispose();

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

    private static void Touch(string path, DateTimeOffset now)
    {
        try
        {
            File.SetLastWriteTimeUtc(path, now.UtcDateTime);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Replaced or removed by another process meanwhile: its own write time is just as good.
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

    private string BlobPath(byte[] hash)
    {
        string hex = Convert.ToHexStringLower(hash);
        return Path.Combine(_blobsDirectory, hex[..2], hex + BlobExtension);
    }
}

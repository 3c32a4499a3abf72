using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Distributed;

namespace ImageGen.Sdk.Caching;

/// <summary>
/// Keeps entries in the application's <see cref="IDistributedCache"/> (Redis, SQL Server, ...), one value per key
/// with the image bytes inline, expiring when the entry's retention ends.
/// </summary>
/// <remarks>
/// An <see cref="IDistributedCache"/> cannot list its keys, so <see cref="ClearAsync"/> and <see cref="InvalidateAsync"/>
/// record an invalidation rule (a shared value under <c>imagegen:v1:invalidations</c>, or
/// <c>imagegen:v1:invalidations:{hash of the key prefix}</c> when a key prefix is given) instead of deleting entries:
/// an entry written before a matching rule reads as a miss and is removed then. Other processes see a new rule
/// within <c>invalidationRefreshInterval</c>; this process sees it at once. Applications or tenants that share one
/// server with different key prefixes (<see cref="ImageCacheOptions.KeyPrefix"/>) keep separate rules, so one's
/// <see cref="ClearAsync"/> never hides another's entries. Entry and byte counts are not available.
/// </remarks>
public sealed class DistributedImageCacheStore : IImageCacheStore
{
    private const string Prefix = "imagegen:v1:";
    private const string RulesKeyBase = Prefix + "invalidations";
    private const int MaxRules = 1024;

    private readonly IDistributedCache _cache;
    private readonly TimeProvider _time;
    private readonly TimeSpan _refreshInterval;
    private readonly string _rulesKey;
    private Rules _rules = Rules.Empty;
    private DateTimeOffset _rulesFetchedAt = DateTimeOffset.MinValue;

    /// <summary>Initializes a new store.</summary>
    /// <param name="cache">The distributed cache.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="invalidationRefreshInterval">How often invalidation rules written by other processes are re-read; 5 seconds when <see langword="null"/>.</param>
    /// <param name="keyPrefix">The <see cref="ImageCacheOptions.KeyPrefix"/> of the application using this store: it scopes <see cref="ClearAsync"/> and <see cref="InvalidateAsync"/> to that application's entries. <see langword="null"/> or empty shares rules with every application without a prefix.</param>
    /// <exception cref="ArgumentNullException"><paramref name="cache"/> is <see langword="null"/>.</exception>
    public DistributedImageCacheStore(IDistributedCache cache, TimeProvider? timeProvider = null, TimeSpan? invalidationRefreshInterval = null, string? keyPrefix = null)
    {
        ArgumentNullException.ThrowIfNull(cache);
        _cache = cache;
        _time = timeProvider ?? TimeProvider.System;
        _refreshInterval = invalidationRefreshInterval ?? TimeSpan.FromSeconds(5);

        // Hashed: the prefix may name a tenant, and the server's key list should not.
        _rulesKey = string.IsNullOrEmpty(keyPrefix)
            ? RulesKeyBase
            : RulesKeyBase + ":" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(keyPrefix)).AsSpan(0, 16));
    }

    /// <inheritdoc />
    public async ValueTask<ImageCacheEntry?> GetAsync(ImageCacheKey key, CancellationToken cancellationToken = default)
    {
        string cacheKey = CacheKey(key);
        byte[]? data = await _cache.GetAsync(cacheKey, cancellationToken).ConfigureAwait(false);
        if (data is null)
        {
            return null;
        }

        ImageCacheEntrySerializer.StoredEntry stored;
        try
        {
            stored = ImageCacheEntrySerializer.Deserialize(data);
        }
        // IOException covers EndOfStreamException and what BinaryReader throws for an invalid decimal.
        catch (Exception ex) when (ex is InvalidDataException or IOException or ArgumentException or FormatException)
        {
            await _cache.RemoveAsync(cacheKey, cancellationToken).ConfigureAwait(false);
            return null;
        }

        Rules rules = await GetRulesAsync(forceRefresh: false, cancellationToken).ConfigureAwait(false);
        if (_time.GetUtcNow() > stored.RetainUntil || rules.Invalidates(stored))
        {
            await _cache.RemoveAsync(cacheKey, cancellationToken).ConfigureAwait(false);
            return null;
        }

        return stored.ToEntry();
    }

    /// <inheritdoc />
    public async ValueTask SetAsync(ImageCacheKey key, ImageCacheEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);

        // Stamped with the newest rule, read fresh (writes are rare): a later rule is what invalidates it.
        Rules rules = await GetRulesAsync(forceRefresh: true, cancellationToken).ConfigureAwait(false);
        byte[] data = ImageCacheEntrySerializer.Serialize(entry, rules.Sequence, blobHashes: null);
        TimeSpan lifetime = entry.RetainUntil - _time.GetUtcNow();
        if (lifetime <= TimeSpan.Zero)
        {
            return;
        }

        // Relative, because the distributed cache keeps its own clock.
        await _cache.SetAsync(CacheKey(key), data, new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = lifetime }, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<bool> RemoveAsync(ImageCacheKey key, CancellationToken cancellationToken = default)
    {
        string cacheKey = CacheKey(key);
        bool existed = await _cache.GetAsync(cacheKey, cancellationToken).ConfigureAwait(false) is not null;
        await _cache.RemoveAsync(cacheKey, cancellationToken).ConfigureAwait(false);
        return existed;
    }

    /// <inheritdoc />
    public ValueTask InvalidateAsync(string? provider, string? model, CancellationToken cancellationToken = default)
        => AddRuleAsync(provider, model, cancellationToken);

    /// <inheritdoc />
    public ValueTask ClearAsync(CancellationToken cancellationToken = default) => AddRuleAsync(null, null, cancellationToken);

    /// <inheritdoc />
    public ImageCacheStoreStatistics GetStatistics() => new();

    private static string CacheKey(ImageCacheKey key) => Prefix + key.ToHexString();

    private async ValueTask AddRuleAsync(string? provider, string? model, CancellationToken cancellationToken)
    {
        Rules current = await GetRulesAsync(forceRefresh: true, cancellationToken).ConfigureAwait(false);
        Rules updated = current.Add(new Rule(provider, model, current.Sequence + 1));
        await _cache.SetAsync(_rulesKey, updated.Serialize(), new DistributedCacheEntryOptions(), cancellationToken).ConfigureAwait(false);
        lock (this)
        {
            _rules = updated;
            _rulesFetchedAt = _time.GetUtcNow();
        }
    }

    private async ValueTask<Rules> GetRulesAsync(bool forceRefresh, CancellationToken cancellationToken)
    {
        DateTimeOffset now = _time.GetUtcNow();
        lock (this)
        {
            if (!forceRefresh && now - _rulesFetchedAt < _refreshInterval)
            {
                return _rules;
            }
        }

        byte[]? data = await _cache.GetAsync(_rulesKey, cancellationToken).ConfigureAwait(false);
        Rules rules = Rules.Deserialize(data);
        lock (this)
        {
            _rules = rules;
            _rulesFetchedAt = now;
        }

        return rules;
    }

    private sealed record Rule(string? Provider, string? Model, long Sequence);

    /// <summary>The invalidation rules: an entry stamped before a matching rule's sequence is gone.</summary>
    private sealed class Rules
    {
        public static readonly Rules Empty = new([], 0);

        private readonly IReadOnlyList<Rule> _rules;

        private Rules(IReadOnlyList<Rule> rules, long sequence)
        {
            _rules = rules;
            Sequence = sequence;
        }

        public long Sequence { get; }

        public static Rules Deserialize(byte[]? data)
        {
            if (data is null)
            {
                return Empty;
            }

            try
            {
                using BinaryReader reader = new(new MemoryStream(data, writable: false), Encoding.UTF8);
                long sequence = reader.ReadInt64();
                int count = reader.ReadInt32();
                List<Rule> rules = new(Math.Clamp(count, 0, MaxRules));
                for (int i = 0; i < count; i++)
                {
                    string? provider = reader.ReadBoolean() ? reader.ReadString() : null;
                    string? model = reader.ReadBoolean() ? reader.ReadString() : null;
                    rules.Add(new Rule(provider, model, reader.ReadInt64()));
                }

                return new Rules(rules, sequence);
            }
            catch (Exception ex) when (ex is EndOfStreamException or IOException or ArgumentException or FormatException)
            {
                // Unreadable rules must not resurrect entries: treat them as one clear-all rule.
                return new Rules([new Rule(null, null, long.MaxValue - 1)], long.MaxValue - 1);
            }
        }

        public Rules Add(Rule rule)
        {
            // A clear-all rule supersedes every earlier rule.
            List<Rule> rules = rule.Provider is null && rule.Model is null ? [] : [.. _rules];
            rules.Add(rule);
            if (rules.Count > MaxRules)
            {
                rules.RemoveRange(0, rules.Count - MaxRules);
            }

            return new Rules(rules, rule.Sequence);
        }

        public bool Invalidates(ImageCacheEntrySerializer.StoredEntry entry)
        {
            foreach (Rule rule in _rules)
            {
                if (rule.Sequence > entry.Sequence && entry.Matches(rule.Provider, rule.Model))
                {
                    return true;
                }
            }

            return false;
        }

        public byte[] Serialize()
        {
            using MemoryStream stream = new();
            using (BinaryWriter writer = new(stream, Encoding.UTF8, leaveOpen: true))
            {
                writer.Write(Sequence);
                writer.Write(_rules.Count);
                foreach (Rule rule in _rules)
                {
                    writer.Write(rule.Provider is not null);
                    if (rule.Provider is not null)
                    {
                        writer.Write(rule.Provider);
                    }

                    writer.Write(rule.Model is not null);
                    if (rule.Model is not null)
                    {
                        writer.Write(rule.Model);
                    }

                    writer.Write(rule.Sequence);
                }
            }

            return stream.ToArray();
        }
    }
}

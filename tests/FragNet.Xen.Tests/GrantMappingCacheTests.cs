using System.Buffers.Binary;
using FragNet.Buffers;
using FragNet.Xen.Abi;
using FragNet.Xen.Hypervisor;

namespace FragNet.Xen.Tests;

/// <summary>The hypervisor keeps each frame's last mapping (its maptrack entry and alias page) after the unmap and
/// reuses it for the frame's next map by the same domain. Reuse must change nothing a guest or the stack can see: the
/// grant is checked and pinned afresh, the reading/writing bits follow the new map, an unmapped alias cannot be used,
/// a frag of an earlier life fails its life check, and every test ends with nothing mapped, pinned or referenced.</summary>
public sealed class GrantMappingCacheTests : IDisposable
{
    private const GrantMapFlags ReadOnlyMap = GrantMapFlags.HostMap | GrantMapFlags.Readonly;

    private readonly XenHypervisor _xen = new();
    private readonly PagePool _pool = new(4, "dom0-pool");
    private readonly SkbCache _cache;
    private readonly Domain _dom0;
    private readonly Domain _guest;
    private readonly Domain _other;

    public GrantMappingCacheTests()
    {
        _dom0 = _xen.CreateDomain("backend", 4);
        _guest = _xen.CreateDomain("guest", 8);
        _other = _xen.CreateDomain("other", 4);
        _cache = new SkbCache(_pool, "dom0");
    }

    public void Dispose()
    {
        Assert.Equal(0, _xen.ActiveMappings);
        Assert.Equal(0, _guest.Grants.TotalPins);
        Assert.Equal(0, _dom0.Mappings.Mapped);
        Assert.Equal(0, _other.Mappings.Mapped);
        Assert.Equal(0, _guest.Memory.PagesInUse);
        Assert.Equal(0, _cache.Live);
        Assert.Equal(0, _pool.Outstanding);
        _xen.Dispose();
        _pool.Dispose();
    }

    private GrantMapping MapOk(Domain mapper, uint gref, GrantMapFlags flags = ReadOnlyMap)
    {
        Assert.Equal(GrantStatus.Okay, _xen.Map(mapper, _guest.Id, gref, flags, out GrantMapping? m));
        return m!;
    }

    private ushort EntryFlags(uint gref) => BinaryPrimitives.ReadUInt16LittleEndian(_guest.Grants.Entry(gref));

    [Fact]
    public void A_second_map_of_the_same_frame_reuses_the_entry_and_alias_with_a_new_handle_and_life()
    {
        uint gref = _guest.Grants.GrantAccess(_dom0.Id, 3, readOnly: true);
        GrantMapping first = MapOk(_dom0, gref);
        Page alias = first.Page;
        int handle = first.Handle;
        uint life = alias.Generation;
        first.Page.Release();
        Assert.Equal(GrantStatus.Okay, _xen.Unmap(first));
        Assert.Equal(0, EntryFlags(gref) & 0x18);

        _guest.Frame(3).Span[9] = 0x3C;
        GrantMapping second = MapOk(_dom0, gref);
        Assert.Same(first, second);
        Assert.Same(alias, second.Page);
        Assert.NotEqual(handle, second.Handle);
        Assert.NotEqual(life, alias.Generation);
        Assert.True(second.IsActive);
        Assert.Equal(0x3C, second.Page.Span[9]);
        Assert.Equal(0x8, EntryFlags(gref) & 0x18); // GTF_reading again, set by this map's own check
        Assert.Equal(2, _guest.Frame(3).RefCount);
        Assert.False(_guest.Grants.EndAccess(gref));

        second.Page.Release();
        Assert.Equal(GrantStatus.Okay, _xen.Unmap(second));
        Assert.True(_guest.Grants.EndAccess(gref));
        Assert.Equal(2, _xen.Maps);
        Assert.Equal(2, _dom0.Mappings.Maps);
    }

    [Fact]
    public void An_unmapped_alias_cannot_be_used_and_its_next_life_is_a_new_generation()
    {
        uint gref = _guest.Grants.GrantAccess(_dom0.Id, 2, readOnly: true);
        GrantMapping m = MapOk(_dom0, gref);
        SkBuff skb = _cache.Alloc(0);
        skb.AppendFrag(m.Page, 0, 100);
        uint life = skb.Frag(0).Page.Generation;
        m.Page.Release();
        Assert.Equal(GrantStatus.GeneralError, _xen.Unmap(m)); // the stack still reaches the frame
        skb.Consume();
        Assert.Equal(GrantStatus.Okay, _xen.Unmap(m));

        Assert.Throws<RefCountException>(() => m.Page.Span[0]); // unmapped: the alias is released
        SkBuff late = _cache.Alloc(0);
        Assert.Throws<RefCountException>(() => late.AppendFrag(m.Page, 0, 100)); // and no frag can take it
        late.Consume();
        Assert.Equal(GrantStatus.BadHandle, _xen.Unmap(m));

        GrantMapping again = MapOk(_dom0, gref);
        Assert.Same(m.Page, again.Page);
        Assert.NotEqual(life, again.Page.Generation); // frags of the first life fail the core's life check (Buffers tests)
        again.Page.Release();
        Assert.Equal(GrantStatus.Okay, _xen.Unmap(again));
        Assert.True(_guest.Grants.EndAccess(gref));
    }

    [Fact]
    public void A_frame_mapped_twice_at_once_gets_a_second_alias_and_the_cache_keeps_one()
    {
        uint a = _guest.Grants.GrantAccess(_dom0.Id, 4, readOnly: true);
        uint b = _guest.Grants.GrantAccess(_dom0.Id, 4, readOnly: true);
        GrantMapping ma = MapOk(_dom0, a);
        GrantMapping mb = MapOk(_dom0, b);
        Assert.NotSame(ma, mb);
        Assert.NotSame(ma.Page, mb.Page);
        Assert.Equal(3, _guest.Frame(4).RefCount); // the guest's hold and one per mapping
        Assert.Equal(2, _xen.ActiveMappings);

        ma.Page.Release();
        mb.Page.Release();
        Assert.Equal(GrantStatus.Okay, _xen.Unmap(mb));
        Assert.Equal(GrantStatus.Okay, _xen.Unmap(ma));

        GrantMapping again = MapOk(_dom0, b);
        Assert.Same(ma, again); // the frame's cached entry was the first one made
        Assert.Equal(b, again.Gref);
        again.Page.Release();
        Assert.Equal(GrantStatus.Okay, _xen.Unmap(again));
        Assert.True(_guest.Grants.EndAccess(a));
        Assert.True(_guest.Grants.EndAccess(b));
    }

    [Fact]
    public void A_guest_cannot_end_access_while_a_reused_mapping_is_mapped_and_a_revoked_grant_is_not_mapped_again()
    {
        uint gref = _guest.Grants.GrantAccess(_dom0.Id, 5, readOnly: true);
        GrantMapping m = MapOk(_dom0, gref);
        m.Page.Release();
        Assert.Equal(GrantStatus.Okay, _xen.Unmap(m));
        m = MapOk(_dom0, gref);
        Assert.False(_guest.Grants.EndAccess(gref));
        m.Page.Release();
        Assert.Equal(GrantStatus.Okay, _xen.Unmap(m));
        Assert.True(_guest.Grants.EndAccess(gref));

        // The cached entry outlives the grant, but a map checks the grant first: revoked means refused.
        Assert.Equal(GrantStatus.PermissionDenied, _xen.Map(_dom0, _guest.Id, gref, ReadOnlyMap, out GrantMapping? refused));
        Assert.Null(refused);
        Assert.False(m.IsActive);
        Assert.Equal(1, _guest.Frame(5).RefCount);
    }

    [Fact]
    public void A_reused_entry_follows_the_new_grant_writable_or_read_only()
    {
        uint ro = _guest.Grants.GrantAccess(_dom0.Id, 6, readOnly: true);
        GrantMapping m = MapOk(_dom0, ro);
        Assert.True(m.ReadOnly);
        m.Page.Release();
        Assert.Equal(GrantStatus.Okay, _xen.Unmap(m));
        Assert.True(_guest.Grants.EndAccess(ro));

        uint rw = _guest.Grants.GrantAccess(_dom0.Id, 6, readOnly: false);
        GrantMapping w = MapOk(_dom0, rw, GrantMapFlags.HostMap);
        Assert.Same(m, w);
        Assert.False(w.ReadOnly);
        Assert.Equal(rw, w.Gref);
        Assert.Equal(0x10, EntryFlags(rw) & 0x18); // GTF_writing, not reading
        w.Page.Span[1] = 0x77;
        Assert.Equal(0x77, _guest.Frame(6).Span[1]);
        w.Page.Release();
        Assert.Equal(GrantStatus.Okay, _xen.Unmap(w));
        Assert.Equal(0, EntryFlags(rw) & 0x18);
        Assert.True(_guest.Grants.EndAccess(rw));
    }

    [Fact]
    public void Another_domain_mapping_the_frame_gets_its_own_alias_never_the_cached_one_of_the_first()
    {
        uint toDom0 = _guest.Grants.GrantAccess(_dom0.Id, 7, readOnly: true);
        uint toOther = _guest.Grants.GrantAccess(_other.Id, 7, readOnly: true);
        GrantMapping m0 = MapOk(_dom0, toDom0);
        m0.Page.Release();
        Assert.Equal(GrantStatus.Okay, _xen.Unmap(m0));

        GrantMapping m2 = MapOk(_other, toOther);
        Assert.NotSame(m0, m2);
        Assert.Same(_other.Mappings, m2.Page.Owner);
        Assert.Throws<ArgumentException>(() => _other.Mappings.Remap(m0.Page)); // an alias of another table
        m2.Page.Release();
        Assert.Equal(GrantStatus.Okay, _xen.Unmap(m2));
        Assert.True(_guest.Grants.EndAccess(toDom0));
        Assert.True(_guest.Grants.EndAccess(toOther));
    }
}

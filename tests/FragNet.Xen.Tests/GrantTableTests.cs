using System.Buffers.Binary;
using FragNet.Buffers;
using FragNet.Xen.Abi;
using FragNet.Xen.Hypervisor;

namespace FragNet.Xen.Tests;

/// <summary>Grant table v1 and the grant operations: every status from the brief with the condition that produces
/// it, the reading/writing bits while mapped, and the reference counts of mapped frames.</summary>
public sealed class GrantTableTests : IDisposable
{
    private readonly XenHypervisor _xen = new();
    private readonly Domain _dom0;
    private readonly Domain _guest;
    private readonly Domain _other;

    public GrantTableTests()
    {
        _dom0 = _xen.CreateDomain("backend", 4);
        _guest = _xen.CreateDomain("guest", 8);
        _other = _xen.CreateDomain("other", 4);
    }

    public void Dispose()
    {
        Assert.Equal(0, _xen.ActiveMappings);
        _xen.Dispose();
    }

    [Fact]
    public void A_grant_entry_is_eight_little_endian_bytes_flags_domid_frame()
    {
        uint gref = _guest.Grants.GrantAccess(_dom0.Id, 5, readOnly: true);
        Assert.Equal(new byte[] { 0x05, 0x00, (byte)_dom0.Id, 0x00, 0x05, 0x00, 0x00, 0x00 }, _guest.Grants.Entry(gref).ToArray());
        Assert.True(_guest.Grants.EndAccess(gref));
        Assert.Equal(new byte[8] { 0, 0, (byte)_dom0.Id, 0, 5, 0, 0, 0 }, _guest.Grants.Entry(gref).ToArray());
    }

    [Fact]
    public void A_mapped_grant_aliases_the_guest_frame_and_sets_GTF_reading_until_unmapped()
    {
        _guest.Frame(3).Span[..4].Fill(0x42);
        uint gref = _guest.Grants.GrantAccess(_dom0.Id, 3, readOnly: true);

        Assert.Equal(GrantStatus.Okay, _xen.Map(_dom0, _guest.Id, gref, GrantMapFlags.HostMap | GrantMapFlags.Readonly, out GrantMapping? m));
        Assert.Equal(0x42, m!.Page.Span[0]);
        Assert.Equal(_guest.Frame(3).FrameNumber, m.Page.FrameNumber);
        Assert.Equal(2, _guest.Frame(3).RefCount); // the guest's own hold and the mapping's
        ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(_guest.Grants.Entry(gref));
        Assert.Equal(0x8, flags & 0x8);
        Assert.False(_guest.Grants.EndAccess(gref)); // a guest cannot revoke a mapped grant

        Assert.Equal(GrantStatus.GeneralError, _xen.Unmap(m)); // the backend still holds the page
        m.Page.Release();
        Assert.Equal(GrantStatus.Okay, _xen.Unmap(m));
        Assert.Equal(1, _guest.Frame(3).RefCount);
        Assert.Equal(0, BinaryPrimitives.ReadUInt16LittleEndian(_guest.Grants.Entry(gref)) & 0x18);
        Assert.True(_guest.Grants.EndAccess(gref));
        Assert.Equal(GrantStatus.BadHandle, _xen.Unmap(m));
    }

    [Fact]
    public void A_writable_map_sets_GTF_writing_and_writes_reach_the_guest()
    {
        uint gref = _guest.Grants.GrantAccess(_dom0.Id, 2, readOnly: false);
        Assert.Equal(GrantStatus.Okay, _xen.Map(_dom0, _guest.Id, gref, GrantMapFlags.HostMap, out GrantMapping? m));
        m!.Page.Span[10] = 0x99;
        Assert.Equal(0x99, _guest.Frame(2).Span[10]);
        Assert.Equal(0x10, BinaryPrimitives.ReadUInt16LittleEndian(_guest.Grants.Entry(gref)) & 0x10);
        m.Page.Release();
        Assert.Equal(GrantStatus.Okay, _xen.Unmap(m));
    }

    [Fact]
    public void Map_statuses_name_what_is_wrong()
    {
        uint ro = _guest.Grants.GrantAccess(_dom0.Id, 1, readOnly: true);
        uint toOther = _guest.Grants.GrantAccess(_other.Id, 1, readOnly: false);
        uint badFrame = _guest.Grants.GrantAccess(_dom0.Id, 1, readOnly: false);
        BinaryPrimitives.WriteUInt32LittleEndian(_guest.Grants.Entry(badFrame)[4..], 1000); // a frame the guest does not have

        Assert.Equal(GrantStatus.BadDomain, _xen.Map(_dom0, 77, ro, GrantMapFlags.HostMap | GrantMapFlags.Readonly, out _));
        Assert.Equal(GrantStatus.BadGntref, _xen.Map(_dom0, _guest.Id, 5000, GrantMapFlags.HostMap | GrantMapFlags.Readonly, out _));
        Assert.Equal(GrantStatus.PermissionDenied, _xen.Map(_dom0, _guest.Id, ro, GrantMapFlags.HostMap, out _)); // writable map of a read-only grant
        Assert.Equal(GrantStatus.PermissionDenied, _xen.Map(_dom0, _guest.Id, toOther, GrantMapFlags.HostMap, out _)); // granted to someone else
        Assert.Equal(GrantStatus.PermissionDenied, _xen.Map(_dom0, _guest.Id, 9, GrantMapFlags.HostMap | GrantMapFlags.Readonly, out _)); // never granted
        Assert.Equal(GrantStatus.BadPage, _xen.Map(_dom0, _guest.Id, badFrame, GrantMapFlags.HostMap, out _));
        Assert.Equal(GrantStatus.GeneralError, _xen.Map(_dom0, _guest.Id, ro, GrantMapFlags.Readonly, out _)); // no mapping kind
        Assert.Equal(0, _xen.Maps);
    }

    [Fact]
    public void Grant_copy_moves_bytes_between_a_grant_and_a_local_page_and_refuses_page_crossings()
    {
        using var pool = new PagePool(2, "dom0-pool");
        Page local = pool.Alloc();
        _guest.Frame(4).Span.Slice(100, 50).Fill(0x7E);
        uint src = _guest.Grants.GrantAccess(_dom0.Id, 4, readOnly: true);
        uint dst = _guest.Grants.GrantAccess(_dom0.Id, 5, readOnly: false);

        Assert.Equal(GrantStatus.Okay, _xen.Copy(_dom0, GrantCopySide.Gref(_guest.Id, src, 100), GrantCopySide.Local(local, 0), 50));
        Assert.Equal(Enumerable.Repeat((byte)0x7E, 50), local.Span[..50].ToArray());
        Assert.Equal(GrantStatus.Okay, _xen.Copy(_dom0, GrantCopySide.Local(local, 0), GrantCopySide.Gref(_guest.Id, dst, 4000), 50 - 4));
        Assert.Equal(0x7E, _guest.Frame(5).Span[4000]);

        Assert.Equal(GrantStatus.BadCopyArg, _xen.Copy(_dom0, GrantCopySide.Gref(_guest.Id, src, 4090), GrantCopySide.Local(local, 0), 10));
        Assert.Equal(GrantStatus.PermissionDenied, _xen.Copy(_dom0, GrantCopySide.Local(local, 0), GrantCopySide.Gref(_guest.Id, src, 0), 10)); // write to a read-only grant
        Assert.Equal(GrantStatus.PermissionDenied, _xen.Copy(_other, GrantCopySide.Gref(_guest.Id, src, 0), GrantCopySide.LocalFrame(0, 0), 10)); // not granted to dom2
        Assert.Equal(2, _xen.Copies);
        Assert.Equal(96, _xen.CopyBytes);
        Assert.Equal(0, _guest.Grants.TotalPins);
        local.Release();
    }

    [Fact]
    public void A_guest_rewriting_a_mapped_entry_changes_nothing_about_the_mapping()
    {
        uint gref = _guest.Grants.GrantAccess(_dom0.Id, 6, readOnly: true);
        Assert.Equal(GrantStatus.Okay, _xen.Map(_dom0, _guest.Id, gref, GrantMapFlags.HostMap | GrantMapFlags.Readonly, out GrantMapping? m));
        BinaryPrimitives.WriteUInt32LittleEndian(_guest.Grants.Entry(gref)[4..], 7); // point the entry elsewhere
        Assert.Equal(_guest.Frame(6).FrameNumber, m!.Page.FrameNumber);
        m.Page.Release();
        Assert.Equal(GrantStatus.Okay, _xen.Unmap(m));
    }
}

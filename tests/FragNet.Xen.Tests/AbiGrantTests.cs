using FragNet.Buffers;
using FragNet.Xen.Abi;

namespace FragNet.Xen.Tests;

/// <summary>grant_table.h v1: the 8-byte entry byte for byte, the GTF/GNTMAP/GNTCOPY/GNTST values, and the single-load
/// and atomic accessors a hypervisor uses on memory the guest can change.</summary>
public sealed class AbiGrantTests
{
    [Fact]
    public void An_entry_is_flags_then_domid_then_frame_little_endian()
    {
        byte[] bytes = new byte[GrantEntryV1.Size];
        var entry = new GrantEntryV1(bytes);
        entry.Frame = 0x89AB_CDEF;
        entry.DomainId = 0x1234;
        entry.Flags = GrantFlags.PermitAccess | GrantFlags.Readonly;

        Assert.Equal(new byte[] { 0x05, 0x00, 0x34, 0x12, 0xEF, 0xCD, 0xAB, 0x89 }, bytes);
        Assert.Equal(GrantFlags.PermitAccess | GrantFlags.Readonly, entry.Flags);
        Assert.Equal(0x1234, entry.DomainId);
        Assert.Equal(0x89AB_CDEFu, entry.Frame);
    }

    [Fact]
    public void Hand_written_bytes_read_back_as_the_fields()
    {
        byte[] bytes = [0x19, 0x00, 0x07, 0x00, 0x78, 0x56, 0x34, 0x12];
        var entry = new GrantEntryV1(bytes);

        Assert.Equal(GrantFlags.PermitAccess | GrantFlags.Reading | GrantFlags.Writing, entry.Flags);
        Assert.Equal(7, entry.DomainId);
        Assert.Equal(0x1234_5678u, entry.Frame);
        Assert.Equal(0x0007_0019u, entry.ReadFlagsAndDomainId());
    }

    [Fact]
    public void The_view_caches_nothing_so_a_guest_write_is_seen_by_the_next_load()
    {
        byte[] bytes = new byte[GrantEntryV1.Size];
        var entry = new GrantEntryV1(bytes);
        entry.Flags = GrantFlags.PermitAccess;
        GrantFlags before = entry.Flags;

        bytes[0] = (byte)GrantFlags.None; // the guest ends access behind our back

        Assert.Equal(GrantFlags.PermitAccess, before);
        Assert.Equal(GrantFlags.None, entry.Flags);
    }

    [Fact]
    public void Entry_at_a_reference_is_eight_bytes_per_reference_into_the_table()
    {
        using var table = new UserBuffer(1, "grant-table");
        GrantEntryV1 entry = GrantEntryV1.At(table[0].Span, 511);
        entry.Frame = 0xAABB_CCDD;

        Assert.Equal(512, GrantEntryV1.EntriesPerFrame);
        Assert.Equal(new byte[] { 0xDD, 0xCC, 0xBB, 0xAA }, table[0].Span.Slice((511 * 8) + 4, 4).ToArray());
    }

    [Fact]
    public void A_reference_beyond_the_table_throws_rather_than_reading_other_memory()
    {
        using var table = new UserBuffer(1, "grant-table");
        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = GrantEntryV1.At(table[0].Span, 512); });
        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = GrantEntryV1.At(table[0].Span, uint.MaxValue); });
    }

    [Fact]
    public void A_view_over_fewer_than_eight_bytes_throws()
    {
        Assert.Throws<ArgumentException>(() => { _ = new GrantEntryV1(new byte[7]); });
    }

    [Fact]
    public void Compare_exchange_marks_the_entry_only_while_flags_and_domid_are_unchanged()
    {
        using var table = new UserBuffer(1, "grant-table");
        GrantEntryV1 entry = GrantEntryV1.At(table[0].Span, 3);
        entry.DomainId = 1;
        entry.Flags = GrantFlags.PermitAccess;
        uint seen = entry.ReadFlagsAndDomainId();

        uint marked = GrantEntryV1.PackFlagsAndDomainId(GrantFlags.PermitAccess | GrantFlags.Reading, 1);
        Assert.Equal(seen, entry.CompareExchangeFlagsAndDomainId(marked, seen));
        Assert.Equal(GrantFlags.PermitAccess | GrantFlags.Reading, entry.Flags);

        // The guest re-grants to another domain between the hypervisor's load and its swap: the swap must fail.
        entry.DomainId = 2;
        uint found = entry.CompareExchangeFlagsAndDomainId(GrantEntryV1.PackFlagsAndDomainId(GrantFlags.PermitAccess | GrantFlags.Writing | GrantFlags.Reading, 1), marked);
        Assert.NotEqual(marked, found);
        Assert.Equal(2, (ushort)(found >> 16));
        Assert.Equal(GrantFlags.PermitAccess | GrantFlags.Reading, entry.Flags);
    }

    [Fact]
    public void Setting_and_clearing_flag_bits_is_atomic_on_flags_and_leaves_domid_and_frame_alone()
    {
        using var table = new UserBuffer(1, "grant-table");
        GrantEntryV1 entry = GrantEntryV1.At(table[0].Span, 0);
        entry.Frame = 0xFFFF_FFFF;
        entry.DomainId = 0xFFFF;
        entry.Flags = GrantFlags.PermitAccess | GrantFlags.Readonly;

        Assert.Equal(GrantFlags.PermitAccess | GrantFlags.Readonly, entry.SetFlags(GrantFlags.Reading | GrantFlags.Writing));
        Assert.Equal(GrantFlags.PermitAccess | GrantFlags.Readonly | GrantFlags.Reading | GrantFlags.Writing, entry.Flags);
        Assert.Equal(GrantFlags.PermitAccess | GrantFlags.Readonly | GrantFlags.Reading | GrantFlags.Writing, entry.ClearFlags(GrantFlags.Reading | GrantFlags.Writing));
        Assert.Equal(GrantFlags.PermitAccess | GrantFlags.Readonly, entry.Flags);
        Assert.Equal(0xFFFF, entry.DomainId);
        Assert.Equal(0xFFFF_FFFFu, entry.Frame);
        Assert.Equal(new byte[] { 0x05, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF }, table[0].Span[..8].ToArray());
    }

    [Fact]
    public void Grant_flags_have_the_values_of_grant_table_h()
    {
        Assert.Equal(0, (int)GrantFlags.None);
        Assert.Equal(1, (int)GrantFlags.PermitAccess);
        Assert.Equal(2, (int)GrantFlags.AcceptTransfer);
        Assert.Equal(3, (int)GrantFlags.TypeMask);
        Assert.Equal(0x4, (int)GrantFlags.Readonly);
        Assert.Equal(0x8, (int)GrantFlags.Reading);
        Assert.Equal(0x10, (int)GrantFlags.Writing);
        Assert.Equal(0x20, (int)GrantFlags.Pwt);
        Assert.Equal(0x40, (int)GrantFlags.Pcd);
        Assert.Equal(0x80, (int)GrantFlags.Pat);
        Assert.Equal(sizeof(ushort), sizeof(GrantFlags));
    }

    [Theory]
    [InlineData(GrantStatus.Okay, 0)]
    [InlineData(GrantStatus.GeneralError, -1)]
    [InlineData(GrantStatus.BadDomain, -2)]
    [InlineData(GrantStatus.BadGntref, -3)]
    [InlineData(GrantStatus.BadHandle, -4)]
    [InlineData(GrantStatus.BadVirtAddr, -5)]
    [InlineData(GrantStatus.BadDevAddr, -6)]
    [InlineData(GrantStatus.NoDeviceSpace, -7)]
    [InlineData(GrantStatus.PermissionDenied, -8)]
    [InlineData(GrantStatus.BadPage, -9)]
    [InlineData(GrantStatus.BadCopyArg, -10)]
    [InlineData(GrantStatus.AddressTooBig, -11)]
    [InlineData(GrantStatus.Eagain, -12)]
    public void Grant_status_values_are_the_gntst_codes(GrantStatus status, int expected)
    {
        Assert.Equal(expected, (int)status);
        Assert.Equal(sizeof(short), sizeof(GrantStatus));
    }

    [Fact]
    public void Map_and_copy_flags_have_the_values_of_grant_table_h()
    {
        Assert.Equal(1u, (uint)GrantMapFlags.DeviceMap);
        Assert.Equal(2u, (uint)GrantMapFlags.HostMap);
        Assert.Equal(4u, (uint)GrantMapFlags.Readonly);
        Assert.Equal(8u, (uint)GrantMapFlags.ApplicationMap);
        Assert.Equal(0x10u, (uint)GrantMapFlags.ContainsPte);
        Assert.Equal(1, (int)GrantCopyFlags.SourceGref);
        Assert.Equal(2, (int)GrantCopyFlags.DestGref);
        Assert.Equal(sizeof(ushort), sizeof(GrantCopyFlags));
    }
}

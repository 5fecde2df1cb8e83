using FragNet.Nfs.Protocol;
using FragNet.SunRpc.Rpc;
using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Tests;

/// <summary>Every argument and result type, both union arms: encode → decode gives an equal value (compared through
/// a second encoding, since lists and byte memory compare by reference), and the decode consumed every byte.</summary>
public sealed class ProtocolRoundTripTests
{
    private static readonly NfsFh3 Fh = new([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    private static readonly NfsFh3 Fh2 = new(new byte[64]);
    private static readonly DirOpArgs3 Where = new(Fh, "name-ünïcode");
    private static readonly Fattr3 Attr = new(FileType3.Regular, 0x1A4, 1, 1000, 100, 70_000, 73_728, new SpecData3(0, 0), 42, 12345,
        new NfsTime3(1, 2), new NfsTime3(3, 4), new NfsTime3(5, 6));
    private static readonly Fattr3 DevAttr = Attr with { Type = FileType3.Character, Rdev = new SpecData3(1, 3), FileId = ulong.MaxValue };
    private static readonly WccData Wcc = new(new WccAttr(10, new NfsTime3(7, 8), new NfsTime3(9, 10)), Attr);
    private static readonly Sattr3 FullSattr = new(0x1ED, 1, 2, 3, SetTime3.ServerTime, SetTime3.ClientTime(new NfsTime3(11, 12)));

    private static void RoundTrip<T>(T value)
        where T : INfsMessage<T>
    {
        byte[] first = ServerHarness.Encode(value);
        Assert.Equal(0, first.Length % 4);
        T decoded = ServerHarness.Decode<T>(first);
        Assert.Equal(first, ServerHarness.Encode(decoded));
    }

    /// <summary>Record equality, for the types whose members all compare by value.</summary>
    private static void RoundTripEqual<T>(T value)
        where T : INfsMessage<T>
    {
        RoundTrip(value);
        Assert.Equal(value, ServerHarness.Decode<T>(ServerHarness.Encode(value)));
    }

    [Fact]
    public void Arguments_of_every_procedure_round_trip()
    {
        RoundTripEqual(new GetAttr3Args(Fh));
        RoundTripEqual(new SetAttr3Args(Fh, FullSattr, new NfsTime3(1, 2)));
        RoundTripEqual(new SetAttr3Args(Fh2, Sattr3.Empty, null));
        RoundTripEqual(new Lookup3Args(Where));
        RoundTripEqual(new Access3Args(Fh, Access3.Read | Access3.Execute | (Access3)0x80));
        RoundTripEqual(new ReadLink3Args(Fh));
        RoundTripEqual(new Read3Args(Fh, ulong.MaxValue, uint.MaxValue));
        RoundTrip(Write3Args.FromBytes(Fh, 8192, StableHow.DataSync, new byte[] { 1, 2, 3, 4, 5 }));
        RoundTrip(new Write3Args(Fh, 0, 99, StableHow.FileSync, ReadOnlyMemory<byte>.Empty));
        RoundTripEqual(Create3Args.WithAttributes(Where, CreateMode.Unchecked, FullSattr));
        RoundTripEqual(Create3Args.WithAttributes(Where, CreateMode.Guarded, Sattr3.Empty));
        RoundTripEqual(Create3Args.Exclusive(Where, 0xFEDCBA9876543210));
        RoundTripEqual(new MkDir3Args(Where, FullSattr));
        RoundTripEqual(new Symlink3Args(Where, FullSattr, "../some/where"));
        RoundTripEqual(new MkNod3Args(Where, FileType3.Block, FullSattr, new SpecData3(8, 1)));
        RoundTripEqual(new MkNod3Args(Where, FileType3.Fifo, FullSattr, default));
        RoundTripEqual(new MkNod3Args(Where, FileType3.Directory, Sattr3.Empty, default));
        RoundTripEqual(new Remove3Args(Where));
        RoundTripEqual(new RmDir3Args(Where));
        RoundTripEqual(new Rename3Args(Where, new DirOpArgs3(Fh2, "other")));
        RoundTripEqual(new Link3Args(Fh2, Where));
        RoundTripEqual(new ReadDir3Args(Fh, 7, 0x1122334455667788, 4096));
        RoundTripEqual(new ReadDirPlus3Args(Fh, 7, 0x1122334455667788, 1024, 32768));
        RoundTripEqual(new FsStat3Args(Fh));
        RoundTripEqual(new FsInfo3Args(Fh));
        RoundTripEqual(new PathConf3Args(Fh));
        RoundTripEqual(new Commit3Args(Fh, 4096, 0));
        RoundTripEqual(new DirPath3Args("/export"));
    }

    [Fact]
    public void Results_of_every_procedure_round_trip_in_both_arms()
    {
        RoundTripEqual(new GetAttr3Result(Nfs3Status.Ok, Attr));
        RoundTripEqual(new GetAttr3Result(Nfs3Status.Stale, null));
        RoundTripEqual(new Wcc3Result(Nfs3Status.Ok, Wcc));
        RoundTripEqual(new Wcc3Result(Nfs3Status.NotSync, WccData.Empty));
        RoundTripEqual(new Lookup3Result(Nfs3Status.Ok, Fh, Attr, DevAttr));
        RoundTripEqual(new Lookup3Result(Nfs3Status.Ok, Fh, null, null));
        RoundTripEqual(Lookup3Result.Failure(Nfs3Status.NoEnt, Attr));
        RoundTripEqual(new Access3Result(Nfs3Status.Ok, Attr, Access3.Lookup));
        RoundTripEqual(new Access3Result(Nfs3Status.Acces, null, Access3.None));
        RoundTripEqual(new ReadLink3Result(Nfs3Status.Ok, Attr, "target"));
        RoundTripEqual(new ReadLink3Result(Nfs3Status.Inval, Attr, string.Empty));
        RoundTrip(new Read3Result(Nfs3Status.Ok, Attr, 3, true, new byte[] { 1, 2, 3 }));
        RoundTrip(Read3Result.Failure(Nfs3Status.IsDir, null));
        RoundTripEqual(new Write3Result(Nfs3Status.Ok, Wcc, 5, StableHow.FileSync, 0x0102030405060708));
        RoundTripEqual(Write3Result.Failure(Nfs3Status.NoSpc, Wcc));
        RoundTripEqual(new NewObject3Result(Nfs3Status.Ok, Fh, Attr, Wcc));
        RoundTripEqual(new NewObject3Result(Nfs3Status.Ok, null, null, WccData.Empty));
        RoundTripEqual(NewObject3Result.Failure(Nfs3Status.Exist, Wcc));
        RoundTripEqual(new Rename3Result(Nfs3Status.Ok, Wcc, WccData.Empty));
        RoundTripEqual(new Link3Result(Nfs3Status.NotSupp, Attr, Wcc));
        RoundTrip(new ReadDir3Result(Nfs3Status.Ok, Attr, 99, [new Entry3(1, ".", 1), new Entry3(2, "a-longer-name", 2)], true));
        RoundTrip(new ReadDir3Result(Nfs3Status.Ok, null, 0, [], false));
        RoundTrip(ReadDir3Result.Failure(Nfs3Status.BadCookie, Attr));
        RoundTrip(new ReadDirPlus3Result(Nfs3Status.Ok, Attr, 99, [new EntryPlus3(1, "x", 1, Attr, Fh), new EntryPlus3(2, "y", 2, null, null)], false));
        RoundTrip(ReadDirPlus3Result.Failure(Nfs3Status.TooSmall, null));
        RoundTripEqual(new FsStat3Result(Nfs3Status.Ok, Attr, 1, 2, 3, 4, 5, 6, 7));
        RoundTripEqual(FsStat3Result.Failure(Nfs3Status.Stale, null));
        RoundTripEqual(new FsInfo3Result(Nfs3Status.Ok, Attr, 1, 2, 3, 4, 5, 6, 7, 8, new NfsTime3(0, 1), FsInfoProperties.Link | FsInfoProperties.CanSetTime));
        RoundTripEqual(FsInfo3Result.Failure(Nfs3Status.ServerFault, Attr));
        RoundTripEqual(new PathConf3Result(Nfs3Status.Ok, Attr, 1, 255, true, false, true, false));
        RoundTripEqual(PathConf3Result.Failure(Nfs3Status.BadHandle, null));
        RoundTripEqual(new Commit3Result(Nfs3Status.Ok, Wcc, 0xAABBCCDDEEFF0011));
        RoundTripEqual(new Commit3Result(Nfs3Status.IO, Wcc, 0));
        RoundTrip(new Mnt3Result(MountStatus3.Ok, Fh2, [AuthFlavor.Sys, AuthFlavor.None]));
        RoundTrip(Mnt3Result.Failure(MountStatus3.NoEnt));
        RoundTrip(new MountList3Result([new MountEntry3("10.0.0.2", "/export"), new MountEntry3("h", "/")]));
        RoundTrip(new MountList3Result([]));
        RoundTrip(new Exports3Result([new ExportNode3("/export", []), new ExportNode3("/other", ["a", "b"])]));
    }

    [Fact]
    public void Decoded_lists_and_data_hold_what_was_encoded()
    {
        var dir = ServerHarness.Decode<ReadDirPlus3Result>(ServerHarness.Encode(
            new ReadDirPlus3Result(Nfs3Status.Ok, Attr, 99, [new EntryPlus3(1, "x", 1, Attr, Fh)], true)));
        EntryPlus3 e = Assert.Single(dir.Entries);
        Assert.Equal(new EntryPlus3(1, "x", 1, Attr, Fh), e);
        Assert.True(dir.Eof);

        var read = ServerHarness.Decode<Read3Result>(ServerHarness.Encode(new Read3Result(Nfs3Status.Ok, null, 3, false, new byte[] { 7, 8, 9 })));
        Assert.Equal([7, 8, 9], read.Data.ToArray());
        var exports = ServerHarness.Decode<Exports3Result>(ServerHarness.Encode(new Exports3Result([new ExportNode3("/e", ["g1", "g2"])])));
        Assert.Equal(["g1", "g2"], exports.Exports[0].Groups);
    }

    [Fact]
    public void Variable_length_items_over_their_bounds_do_not_decode()
    {
        using var w = new XdrWriter();
        w.WriteOpaque(new byte[65]); // a 65-byte handle
        Assert.False(Decodes<GetAttr3Args>(w.WrittenSpan.ToArray()));

        w.Reset();
        Fh.Encode(w);
        w.WriteString(new string('n', 256)); // a 256-byte name
        Assert.False(Decodes<Lookup3Args>(w.WrittenSpan.ToArray()));

        w.Reset();
        w.WriteString(new string('p', 1025)); // a 1025-byte MOUNT path
        Assert.False(Decodes<DirPath3Args>(w.WrittenSpan.ToArray()));

        // MKNOD of a regular file carries no body (and the server answers NFS3ERR_BADTYPE); type 8 is no type.
        Assert.True(Decodes<MkNod3Args>([.. Where.EncodedBytes(), 0, 0, 0, 1]));
        Assert.False(Decodes<MkNod3Args>([.. Where.EncodedBytes(), 0, 0, 0, 8]));
        Assert.False(Decodes<Create3Args>([.. Where.EncodedBytes(), 0, 0, 0, 3]));
        Assert.False(Decodes<Write3Args>([.. ServerHarness.Encode(new Read3Args(Fh, 0, 0)), 0, 0, 0, 3, 0, 0, 0, 0]));
    }

    [Fact]
    public void Fattr3_sattr3_and_write_arguments_round_trip_for_seeded_random_values()
    {
        var random = new Random(0x5EED); // seeded: the same 500 samples on every run
        uint U() => (uint)random.NextInt64(0, 1L << 32);
        ulong L() => (ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63);
        NfsTime3 T() => new(U(), U());
        SetTime3 S() => random.Next(3) switch { 0 => SetTime3.DontChange, 1 => SetTime3.ServerTime, _ => SetTime3.ClientTime(T()) };
        for (int i = 0; i < 500; i++)
        {
            var a = new Fattr3((FileType3)random.Next(1, 8), U(), U(), U(), U(), L(), L(), new SpecData3(U(), U()), L(), L(), T(), T(), T());
            RoundTripEqual(new GetAttr3Result(Nfs3Status.Ok, a));
            var s = new Sattr3(random.Next(2) == 0 ? null : U(), random.Next(2) == 0 ? null : U(), random.Next(2) == 0 ? null : U(),
                random.Next(2) == 0 ? null : L(), S(), S());
            RoundTripEqual(new SetAttr3Args(Fh, s, random.Next(2) == 0 ? null : T()));
            byte[] handle = new byte[random.Next(0, 65)];
            random.NextBytes(handle);
            byte[] data = new byte[random.Next(0, 300)];
            random.NextBytes(data);
            var w = Write3Args.FromBytes(new NfsFh3(handle), L(), (StableHow)random.Next(3), data);
            RoundTrip(w);
            Assert.Equal(data, ServerHarness.Encode(w).AsSpan(w.DataOffset, data.Length).ToArray());
        }
    }

    private static bool Decodes<T>(byte[] bytes)
        where T : INfsMessage<T>
    {
        var r = new XdrReader(bytes);
        _ = T.Decode(ref r);
        r.ExpectEnd();
        return r.IsValid;
    }
}

/// <summary>Encodings of the small structures the tests splice into hand-made messages.</summary>
internal static class EncodedBytesExtensions
{
    public static byte[] EncodedBytes(this DirOpArgs3 value)
    {
        using var w = new XdrWriter();
        value.Encode(w);
        return w.WrittenSpan.ToArray();
    }
}

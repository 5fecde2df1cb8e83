using FragNet.Xen.Hypervisor;

namespace FragNet.Xen.Tests;

/// <summary>Interdomain event channels and the XenStore handshake keys.</summary>
public sealed class EventChannelTests : IDisposable
{
    private readonly XenHypervisor _xen = new();
    private readonly Domain _dom0;
    private readonly Domain _guest;

    public EventChannelTests()
    {
        _dom0 = _xen.CreateDomain("backend", 1);
        _guest = _xen.CreateDomain("guest", 1);
    }

    public void Dispose() => _xen.Dispose();

    [Fact]
    public void A_bound_channel_carries_notifications_both_ways_and_they_coalesce_while_pending()
    {
        EventChannel front = _xen.EventChannels.AllocUnbound(_guest, _dom0.Id);
        EventChannel back = _xen.EventChannels.BindInterdomain(_dom0, _guest.Id, front.Port)!;
        Assert.Same(back, front.Peer);

        Assert.True(_xen.EventChannels.Notify(front));
        Assert.True(_xen.EventChannels.Notify(front));
        Assert.True(back.Pending);
        Assert.Equal(2, back.Received);
        Assert.Equal(1, back.Upcalls); // the second found it already pending
        Assert.True(back.TakePending());
        Assert.False(back.TakePending());

        Assert.True(_xen.EventChannels.Notify(back));
        Assert.True(front.Pending);
    }

    [Fact]
    public void Binding_needs_an_unbound_port_allocated_for_the_binder()
    {
        EventChannel front = _xen.EventChannels.AllocUnbound(_guest, remote: 42);
        Assert.Null(_xen.EventChannels.BindInterdomain(_dom0, _guest.Id, front.Port)); // allocated for dom42
        Assert.Null(_xen.EventChannels.BindInterdomain(_dom0, _guest.Id, 999));        // no such port
        Assert.Null(_xen.EventChannels.BindInterdomain(_dom0, 77, 1));                 // no such domain
        Assert.False(_xen.EventChannels.Notify(front));                                 // unbound: nobody to tell
    }

    [Fact]
    public void A_masked_port_records_notifications_without_upcalls()
    {
        EventChannel front = _xen.EventChannels.AllocUnbound(_guest, _dom0.Id);
        EventChannel back = _xen.EventChannels.BindInterdomain(_dom0, _guest.Id, front.Port)!;
        back.Masked = true;
        _xen.EventChannels.Notify(front);
        Assert.True(back.Pending);
        Assert.Equal(0, back.Upcalls);
    }

    [Fact]
    public void XenStore_watches_see_writes_under_their_prefix_in_order()
    {
        XenStoreWatch w = _xen.Store.Watch("device/vif/0");
        _xen.Store.Write("device/vif/0/tx-ring-ref", "8");
        _xen.Store.WriteState("device/vif/0", XenbusState.Initialised);
        _xen.Store.Write("backend/vif/1/0/state", "2");
        Assert.True(w.TryTake(out string a));
        Assert.True(w.TryTake(out string b));
        Assert.False(w.TryTake(out _));
        Assert.Equal(["device/vif/0/tx-ring-ref", "device/vif/0/state"], new[] { a, b });
        Assert.Equal(8u, _xen.Store.ReadUInt("device/vif/0/tx-ring-ref"));
        Assert.Equal(XenbusState.Initialised, _xen.Store.ReadState("device/vif/0"));
        _xen.Store.Remove("device/vif/0");
        Assert.Null(_xen.Store.Read("device/vif/0/tx-ring-ref"));
    }
}

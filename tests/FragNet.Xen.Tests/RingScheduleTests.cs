using System.Buffers.Binary;
using FragNet.Buffers;
using FragNet.Xen.Abi;
using FragNet.Xen.Rings;

namespace FragNet.Xen.Tests;

/// <summary>
/// A frontend and a backend driven by a seeded random schedule over the ring's atomic steps. Each side sleeps after
/// its final check and wakes only on an event the other side's push raised, as real drivers do; pushes and final
/// checks are split into their two halves (publish | check event; arm | recheck) so the scheduler can interleave the
/// peer between them. Every request must reach the backend exactly once and in order, every response the frontend
/// likewise, and the run must never stall with work on the ring and both sides asleep (a lost notification).
/// </summary>
public sealed class RingScheduleTests
{
    public static TheoryData<int, uint> Starts => new()
    {
        { NetifConstants.TxSlotSize, 0u },
        { NetifConstants.TxSlotSize, 0xFFFF_FFF0u },
        { NetifConstants.RxSlotSize, 0xFFFF_FE00u },
        { NetifConstants.RxSlotSize, 0x8000_0000u },
    };

    [Theory]
    [MemberData(nameof(Starts))]
    public void Every_request_and_response_is_delivered_exactly_once_in_order_and_no_wakeup_is_lost(int entrySize, uint start)
    {
        for (int seed = 0; seed < 100; seed++)
        {
            using var buffer = new UserBuffer(1, "ring");
            var model = new Model(buffer[0], entrySize, start, seed, total: 700, dropNotifications: false);
            model.Run();

            Assert.True(model.Completed, $"seed {seed}: stalled after {model.Steps} steps — {model.Describe()}");
            Assert.Equal(0, model.Front.Outstanding);
            Assert.Equal(unchecked(start + 700u), model.Back.RequestConsumer);
        }
    }

    [Fact]
    public void The_model_catches_a_lost_notification()
    {
        // Guard on the model itself: if the frontend never signals, some schedule must stall.
        int stalled = 0;
        for (int seed = 0; seed < 20; seed++)
        {
            using var buffer = new UserBuffer(1, "ring");
            var model = new Model(buffer[0], NetifConstants.TxSlotSize, 0, seed, total: 100, dropNotifications: true);
            model.Run();
            stalled += model.Completed ? 0 : 1;
        }

        Assert.Equal(20, stalled);
    }

    /// <summary>The two drivers as step machines. Requests carry their sequence number; responses its complement.</summary>
    private sealed class Model
    {
        private readonly Random _random;
        private readonly int _total;
        private readonly bool _dropNotifications;
        private readonly byte[] _copy;
        private readonly Queue<uint> _toAnswer = new();

        // Frontend transmit path (not event-driven: the application keeps sending while the ring has room).
        private SenderState _sender;
        private uint _senderOld;
        private uint _senderNew;
        private uint _nextToSend;

        // Frontend response handler (event-driven).
        private SleeperState _frontHandler = SleeperState.Asleep;
        private bool _frontEventPending;
        private uint _nextResponse;

        // Backend (event-driven).
        private SleeperState _backend = SleeperState.Asleep;
        private bool _backEventPending;
        private uint _backOld;
        private uint _backNew;
        private uint _nextRequest;

        public Model(Page page, int entrySize, uint start, int seed, int total, bool dropNotifications)
        {
            Front = new FrontRing(page, entrySize, start);
            Back = new BackRing(page, entrySize);
            _random = new Random(seed);
            _total = total;
            _dropNotifications = dropNotifications;
            _copy = new byte[entrySize];
        }

        private enum SenderState { Idle, Published }

        private enum SleeperState { Asleep, Running, Arming, Armed, Pushed }

        public FrontRing Front { get; }

        public BackRing Back { get; }

        public int Steps { get; private set; }

        public bool Completed => _nextResponse == _total;

        public string Describe() =>
            $"sent {_nextToSend}, backend got {_nextRequest}, frontend got {_nextResponse}; sender {_sender}, " +
            $"handler {_frontHandler} (event {_frontEventPending}), backend {_backend} (event {_backEventPending}), " +
            $"unconsumed requests {Back.UnconsumedRequests}, unconsumed responses {Front.UnconsumedResponses}";

        public void Run()
        {
            var runnable = new List<Action>(3);
            while (Steps < 1_000_000)
            {
                runnable.Clear();
                if (_sender == SenderState.Published || (_nextToSend < _total && !Front.IsFull))
                {
                    runnable.Add(StepSender);
                }

                if (_frontHandler != SleeperState.Asleep || _frontEventPending)
                {
                    runnable.Add(StepFrontHandler);
                }

                if (_backend != SleeperState.Asleep || _backEventPending)
                {
                    runnable.Add(StepBackend);
                }

                if (runnable.Count == 0)
                {
                    return; // finished, or stalled: Completed tells which
                }

                runnable[_random.Next(runnable.Count)]();
                Steps++;
                CheckNoWakeupLost();
            }

            Assert.Fail($"no quiescence after {Steps} steps — {Describe()}");
        }

        /// <summary>
        /// The notify rule's promise, checked after every step: a side that sleeps with no event pending has nothing
        /// waiting for it, unless the peer is between publishing and its event check (the check will notify). A
        /// violation is a lost or late wake-up even if a later push would happen to cover it.
        /// </summary>
        private void CheckNoWakeupLost()
        {
            if (_backend == SleeperState.Asleep && !_backEventPending && _sender != SenderState.Published && !_dropNotifications)
            {
                Assert.True(Back.UnconsumedRequests == 0, $"backend asleep with requests waiting and no event — {Describe()}");
            }

            if (_frontHandler == SleeperState.Asleep && !_frontEventPending && _backend != SleeperState.Pushed && !_dropNotifications)
            {
                Assert.True(Front.UnconsumedResponses == 0, $"frontend asleep with responses waiting and no event — {Describe()}");
            }
        }

        private void StepSender()
        {
            if (_sender == SenderState.Published)
            {
                if (Front.CheckRequestNotify(_senderOld, _senderNew) && !_dropNotifications)
                {
                    _backEventPending = true;
                }

                _sender = SenderState.Idle;
                return;
            }

            int batch = _random.Next(2) == 0 ? 1 : _random.Next(1, 9);
            for (int i = 0; i < batch && _nextToSend < _total && Front.TryGetRequestSlot(out Span<byte> slot); i++)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(slot, _nextToSend++);
            }

            Front.PublishRequests(out _senderOld, out _senderNew);
            _sender = SenderState.Published;
        }

        private void StepFrontHandler()
        {
            switch (_frontHandler)
            {
                case SleeperState.Asleep:
                    _frontEventPending = false;
                    _frontHandler = SleeperState.Running;
                    break;
                case SleeperState.Running:
                    Assert.False(Front.IsResponseOverflowed);
                    int take = Math.Min(Front.UnconsumedResponses, _random.Next(2) == 0 ? 1 : _random.Next(1, 6));
                    for (int i = 0; i < take; i++)
                    {
                        Assert.True(Front.TryConsumeResponse(_copy));
                        Assert.Equal(~_nextResponse, BinaryPrimitives.ReadUInt32LittleEndian(_copy));
                        _nextResponse++;
                    }

                    if (take == 0)
                    {
                        _frontHandler = SleeperState.Arming; // first look of the final check found nothing
                    }

                    break;
                case SleeperState.Arming:
                    Front.ArmResponseEvent();
                    _frontHandler = SleeperState.Armed;
                    break;
                case SleeperState.Armed:
                    _frontHandler = Front.RecheckResponses() ? SleeperState.Running : SleeperState.Asleep;
                    break;
                default:
                    throw new InvalidOperationException(_frontHandler.ToString());
            }
        }

        private void StepBackend()
        {
            switch (_backend)
            {
                case SleeperState.Asleep:
                    _backEventPending = false;
                    _backend = SleeperState.Running;
                    break;
                case SleeperState.Running:
                    BackendWork();
                    break;
                case SleeperState.Pushed:
                    if (Back.CheckResponseNotify(_backOld, _backNew) && !_dropNotifications)
                    {
                        _frontEventPending = true;
                    }

                    _backend = SleeperState.Running;
                    break;
                case SleeperState.Arming:
                    Back.ArmRequestEvent();
                    _backend = SleeperState.Armed;
                    break;
                case SleeperState.Armed:
                    _backend = Back.RecheckRequests() ? SleeperState.Running : SleeperState.Asleep;
                    break;
            }
        }

        private void BackendWork()
        {
            Assert.False(Back.IsOverflowed);
            int waiting = Back.UnconsumedRequests;
            bool consume = waiting > 0 && (_toAnswer.Count == 0 || _random.Next(2) == 0);
            if (consume)
            {
                int take = Math.Min(waiting, _random.Next(2) == 0 ? 1 : _random.Next(1, 10));
                for (int i = 0; i < take; i++)
                {
                    Assert.True(Back.TryConsumeRequest(_copy));
                    uint seq = BinaryPrimitives.ReadUInt32LittleEndian(_copy);
                    Assert.Equal(_nextRequest++, seq);
                    _toAnswer.Enqueue(seq);
                }

                return;
            }

            if (_toAnswer.Count > 0)
            {
                int answer = Math.Min(_toAnswer.Count, _random.Next(2) == 0 ? 1 : _random.Next(1, 10));
                for (int i = 0; i < answer; i++)
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(Back.NextResponseSlot(), ~_toAnswer.Dequeue());
                }

                Back.PublishResponses(out _backOld, out _backNew);
                _backend = SleeperState.Pushed;
                return;
            }

            // Nothing waits for an answer and the look above saw no request: the first look of the final check.
            _backend = SleeperState.Arming;
        }
    }
}

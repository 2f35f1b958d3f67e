//! Connections that go quiet are closed: a stream whose reads fail when they wait longer
//! than the idle timeout. A client that sends half a header, or announces a longer
//! body than it sends, or keeps an unused connection open, no longer holds it forever.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::time::{Instant, Sleep};

/// How long a connection may go without sending a byte, unless configured otherwise.
pub const DEFAULT_IDLE: Duration = super::limits::Limits::DEFAULT.idle_timeout;

/// A stream whose reads fail with `TimedOut` after `idle` without data. The timer is not
/// reset on every read (that costs a timer-wheel update per read): reads note the time, and
/// when the timer fires early it is moved to `last read + idle`.
pub struct IdleStream {
    inner: TcpStream,
    idle: Duration,
    last_read: Instant,
    deadline: Pin<Box<Sleep>>,
}

impl IdleStream {
    pub(super) fn new(inner: TcpStream, idle: Duration) -> Self {
        IdleStream {
            inner,
            idle,
            last_read: Instant::now(),
            deadline: Box::pin(tokio::time::sleep(idle)),
        }
    }
}

impl AsyncRead for IdleStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(r) => {
                this.last_read = Instant::now();
                Poll::Ready(r)
            }
            Poll::Pending => loop {
                match this.deadline.as_mut().poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(()) => {
                        let due = this.last_read + this.idle;
                        if due <= Instant::now() {
                            return Poll::Ready(Err(io::Error::new(
                                io::ErrorKind::TimedOut,
                                "the connection was idle too long",
                            )));
                        }
                        // Data came since the timer was set: wait from the last read.
                        this.deadline.as_mut().reset(due);
                    }
                }
            },
        }
    }
}

impl AsyncWrite for IdleStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

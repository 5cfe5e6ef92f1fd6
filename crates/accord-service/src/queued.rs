//! A unit of work driven by a task of its own, so the caller can go on computing while the
//! database writes (decision 0033). The caller queues jobs — each a closure over the unit of work —
//! and they run one after another, in the order queued, so a read queued after a write sees it.
//! The first job to fail ends the task; the unit of work is then dropped, which rolls it back, and
//! every later call returns that job's error. Nothing is committed until [`QueuedUnitOfWork::commit`];
//! dropped without it, the jobs already queued still run, then the unit of work rolls back.

use std::future::Future;
use std::pin::Pin;

use accord_store::UnitOfWork;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use crate::ServiceError;

/// A job's future, borrowing the unit of work for as long as it runs; `T` is what it answers.
pub(crate) type JobFuture<'a, T = ()> =
    Pin<Box<dyn Future<Output = Result<T, ServiceError>> + Send + 'a>>;

/// One job: what to do with the unit of work.
type Job = Box<dyn for<'a> FnOnce(&'a mut UnitOfWork) -> JobFuture<'a> + Send>;

/// Jobs waiting at most: enough for the caller to prepare the next batch while one is written,
/// few enough that memory stays bounded by a couple of batches.
const QUEUED: usize = 2;

/// A unit of work owned by a writer task.
pub(crate) struct QueuedUnitOfWork {
    jobs: mpsc::Sender<Job>,
    task: JoinHandle<Result<UnitOfWork, ServiceError>>,
}

impl QueuedUnitOfWork {
    /// Hands `uow` to a task of its own.
    pub(crate) fn start(mut uow: UnitOfWork) -> Self {
        let (jobs, mut queue) = mpsc::channel::<Job>(QUEUED);
        let task = tokio::spawn(async move {
            while let Some(job) = queue.recv().await {
                job(&mut uow).await?;
            }
            Ok(uow)
        });
        Self { jobs, task }
    }

    /// Queues `job` and returns at once (or when the queue has room).
    pub(crate) async fn queue(
        &mut self,
        job: impl for<'a> FnOnce(&'a mut UnitOfWork) -> JobFuture<'a> + Send + 'static,
    ) -> Result<(), ServiceError> {
        if self.jobs.send(Box::new(job)).await.is_err() {
            return Err(self.failure().await);
        }
        Ok(())
    }

    /// Queues `job` and waits for what it returns.
    pub(crate) async fn ask<T: Send + 'static>(
        &mut self,
        job: impl for<'a> FnOnce(&'a mut UnitOfWork) -> JobFuture<'a, T> + Send + 'static,
    ) -> Result<T, ServiceError> {
        let (reply, answer) = oneshot::channel();
        self.queue(move |uow| {
            Box::pin(async move {
                let value = job(uow).await?;
                // The caller may have gone (it failed elsewhere): nothing to answer.
                let _ = reply.send(value);
                Ok(())
            })
        })
        .await?;
        match answer.await {
            Ok(value) => Ok(value),
            Err(_) => Err(self.failure().await),
        }
    }

    /// Runs what is queued, then commits.
    pub(crate) async fn commit(self) -> Result<(), ServiceError> {
        let Self { jobs, task } = self;
        drop(jobs);
        let uow = joined(task.await)?;
        uow.commit().await?;
        Ok(())
    }

    /// The error that ended the task (a closed queue means the task has ended).
    async fn failure(&mut self) -> ServiceError {
        match joined((&mut self.task).await) {
            Err(e) => e,
            Ok(_) => ServiceError::invalid("unit of work", "queue", "the writer stopped"),
        }
    }
}

fn joined(
    result: Result<Result<UnitOfWork, ServiceError>, tokio::task::JoinError>,
) -> Result<UnitOfWork, ServiceError> {
    result.map_err(|e| ServiceError::invalid("unit of work", "writer task", e))?
}

#[cfg(test)]
mod tests {
    use super::*;
    use accord_store::Store;

    async fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("q.db").display());
        let store = Store::connect(&url).await.unwrap();
        (dir, store)
    }

    fn interchange(control: &str) -> accord_store::ReceivedFile {
        accord_store::ReceivedFile {
            sender: "S".into(),
            interchange_control: control.into(),
            file_name: format!("{control}.837"),
            received_at: "2026-01-01T00:00:00Z".into(),
            claims: 0,
        }
    }

    /// A queued unit of work with the recording of interchange `control` queued.
    async fn recording(store: &Store, control: &str) -> QueuedUnitOfWork {
        let uow = store
            .begin("test", "queued", jiff::Timestamp::UNIX_EPOCH)
            .await
            .unwrap();
        let mut q = QueuedUnitOfWork::start(uow);
        let file = interchange(control);
        q.queue(move |uow| Box::pin(async move { Ok(uow.record_received_file(&file).await?) }))
            .await
            .unwrap();
        q
    }

    /// Jobs run in the order queued: a read queued after a write sees it; and nothing is kept
    /// until the commit.
    #[tokio::test]
    async fn jobs_run_in_order_and_commit_together() {
        let (_dir, store) = store().await;
        let mut q = recording(&store, "000000001").await;
        let seen = q
            .ask(|uow| {
                Box::pin(async move { Ok(uow.received_file("S", "000000001").await?.is_some()) })
            })
            .await
            .unwrap();
        assert!(seen, "the read queued after the write sees it");
        assert!(
            store
                .received_file("S", "000000001")
                .await
                .unwrap()
                .is_none()
        );
        q.commit().await.unwrap();
        assert!(
            store
                .received_file("S", "000000001")
                .await
                .unwrap()
                .is_some()
        );
    }

    /// A job that fails ends the unit of work: later calls get its error and nothing is kept.
    #[tokio::test]
    async fn a_failed_job_rolls_everything_back() {
        let (_dir, store) = store().await;
        let mut q = recording(&store, "000000002").await;
        let again = interchange("000000002");
        // The same interchange twice is a conflict.
        q.queue(move |uow| Box::pin(async move { Ok(uow.record_received_file(&again).await?) }))
            .await
            .unwrap();
        let later = q
            .ask(|_| Box::pin(async move { Ok(1) }))
            .await
            .expect_err("the unit of work has failed");
        assert!(later.to_string().contains("received_files"), "{later}");
        assert!(
            store
                .received_file("S", "000000002")
                .await
                .unwrap()
                .is_none()
        );
    }
}

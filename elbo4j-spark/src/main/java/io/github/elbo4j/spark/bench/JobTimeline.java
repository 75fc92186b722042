package io.github.elbo4j.spark.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.TaskInfo;

/**
 * Where a Spark action's time goes: a listener that records every job (its call site, start and
 * end) and its tasks' metrics (running, deserializing the task, serializing and fetching the
 * result), and prints one line per job, so that a benchmark shows the fixed and per-round costs
 * beside its totals.
 */
final class JobTimeline extends SparkListener {

    private static final class Job {
        String site;
        long start;
        long end;
        int tasks;
        long run;
        long deserialize;
        long serializeResult;
        long fetchResult;
        long longestTask;
    }

    private final Map<Integer, Job> jobs = new HashMap<>();
    private final Map<Integer, Integer> jobOfStage = new HashMap<>();
    private final List<Job> order = new ArrayList<>();

    @Override
    public synchronized void onJobStart(SparkListenerJobStart start) {
        Job job = new Job();
        // The result stage (the job's last) is named after the action's call site.
        String site = "job " + start.jobId();
        int last = -1;
        scala.collection.Iterator<org.apache.spark.scheduler.StageInfo> infos =
                start.stageInfos().iterator();
        while (infos.hasNext()) {
            org.apache.spark.scheduler.StageInfo info = infos.next();
            if (info.stageId() > last) {
                last = info.stageId();
                site = info.name();
            }
        }
        job.site = site;
        job.start = start.time();
        jobs.put(start.jobId(), job);
        order.add(job);
        scala.collection.Iterator<Object> stages = start.stageIds().iterator();
        while (stages.hasNext()) {
            jobOfStage.put((Integer) stages.next(), start.jobId());
        }
    }

    @Override
    public synchronized void onJobEnd(SparkListenerJobEnd end) {
        Job job = jobs.get(end.jobId());
        if (job != null) {
            job.end = end.time();
        }
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
        Integer id = jobOfStage.get(end.stageId());
        Job job = id == null ? null : jobs.get(id);
        if (job == null || end.taskMetrics() == null) {
            return;
        }
        TaskInfo info = end.taskInfo();
        job.tasks++;
        job.run += end.taskMetrics().executorRunTime();
        job.deserialize += end.taskMetrics().executorDeserializeTime();
        job.serializeResult += end.taskMetrics().resultSerializationTime();
        if (info.gettingResultTime() > 0) {
            job.fetchResult += info.finishTime() - info.gettingResultTime();
        }
        job.longestTask = Math.max(job.longestTask, info.duration());
    }

    /** Forgets the jobs recorded so far. */
    synchronized void clear() {
        jobs.clear();
        jobOfStage.clear();
        order.clear();
    }

    /**
     * Prints the jobs since the last {@link #clear}: start offset from {@code originMillis}, wall
     * time, then the sums over its tasks (ms).
     */
    synchronized void print(String title, long originMillis) {
        System.out.printf(
                Locale.ROOT,
                "  %s: %d jobs; per job: start (ms from fit), wall ms, tasks, longest task ms,"
                        + " task run / deserialize / result serialize / result fetch ms (summed over tasks)%n",
                title,
                order.size());
        for (Job j : order) {
            System.out.printf(
                    Locale.ROOT,
                    "    %6d %6d  %2d %6d  %6d %5d %5d %5d  %s%n",
                    j.start - originMillis,
                    j.end - j.start,
                    j.tasks,
                    j.longestTask,
                    j.run,
                    j.deserialize,
                    j.serializeResult,
                    j.fetchResult,
                    j.site);
        }
    }
}

"""AIDE workflows: the DAG model, validation, loading, executors, the conductor and the checkpointed runner."""

from core.orchestration.calls import NodeFailure
from core.orchestration.checkpoint import NodeRecord, NodeSample, RunRecord, RunStore, RunSummary
from core.orchestration.conductor import (
    GO,
    Action,
    Conductor,
    ConductorMode,
    Decision,
    DecisionQueue,
    DecisionRequest,
    DecisionSource,
)
from core.orchestration.executor import Executor, LocalExecutor, NodeTask
from core.orchestration.loading import load_workflow, parse_workflow_text
from core.orchestration.model import InputSpec, Isolation, NodeKind, NodeSpec, PortType, Workflow
from core.orchestration.policies import CriticalPathPolicy, LearningPolicy, SchedulingPolicy
from core.orchestration.runner import ResourceGate, RunEvent, RunResult, WorkflowRunner
from core.orchestration.state import NodeState, RunStatus
from core.orchestration.validation import WorkflowProblem, WorkflowValidationError, find_problems, validate_workflow

__all__ = [
    "GO",
    "Action",
    "Conductor",
    "ConductorMode",
    "CriticalPathPolicy",
    "Decision",
    "DecisionQueue",
    "DecisionRequest",
    "DecisionSource",
    "Executor",
    "InputSpec",
    "Isolation",
    "LearningPolicy",
    "LocalExecutor",
    "NodeFailure",
    "NodeKind",
    "NodeRecord",
    "NodeSample",
    "NodeSpec",
    "NodeState",
    "NodeTask",
    "PortType",
    "ResourceGate",
    "RunEvent",
    "RunRecord",
    "RunResult",
    "RunStatus",
    "RunStore",
    "RunSummary",
    "SchedulingPolicy",
    "Workflow",
    "WorkflowProblem",
    "WorkflowRunner",
    "WorkflowValidationError",
    "find_problems",
    "load_workflow",
    "parse_workflow_text",
    "validate_workflow",
]

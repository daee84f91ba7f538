"""What every table model promises beyond its columns (tests/test_schema.py holds the columns)."""
import pytest
from sqlmodel import SQLModel

from graded_exposure.models import ChildSummary, Practice, Reminder


def _table_models() -> list[type[SQLModel]]:
    found, todo = [], list(SQLModel.__subclasses__())
    while todo:
        model = todo.pop()
        todo.extend(model.__subclasses__())
        if model.model_config.get("table"):
            found.append(model)
    return found


def test_every_default_factory_knows_its_signature():
    """SQLModel's table constructor asks pydantic, for each field left to its default, whether
    its factory takes the validated data, and pydantic runs inspect.signature to answer, on
    every row built: 150 µs for the builtin `list` (parsed from text), 7 µs for a function,
    2 µs for a function that carries its __signature__ (models._factory)."""
    slow = [f"{model.__name__}.{name}" for model in _table_models()
            for name, field in model.model_fields.items()
            if field.default_factory is not None
            and "__signature__" not in getattr(field.default_factory, "__dict__", {})]
    assert _table_models(), "no table models found"
    assert slow == [], f"default factories without models._factory: {slow}"


@pytest.mark.parametrize(("model", "values", "name", "empty"), [
    (Practice, {"child_id": 1, "step_id": 1, "idempotency_key": "k" * 32,
                "fear_before": 5, "fear_after": 3, "outcome": "did_it"}, "safety_used", []),
    (ChildSummary, {"child_id": 1}, "small_wins", {}),
    (Reminder, {"user_id": 1, "child_id": 1, "kind": "practice"}, "channels", ["inbox"]),
])
def test_each_row_gets_its_own_default_container(model, values, name, empty):
    first, second = model(**values), model(**values)
    assert getattr(first, name) == getattr(second, name) == empty
    assert getattr(first, name) is not getattr(second, name), "rows share one default container"

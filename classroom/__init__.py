"""The classroom: dyadsim in the browser for teaching, with a lesson for each idea.

``dyadsim app [SCENARIO]`` starts the app (optional extra ``dyadsim[app]``);
``dyadsim lessons`` lists the lessons. The parts that need no web framework
can be used from a notebook::

    from classroom import controls, ensemble, lessons, views
    lessons.lessons()                         # one lesson per idea of the theory
    scenario = controls.apply_controls("baseline", {"distance": 0.8})
    text = controls.scenario_yaml(scenario)   # a file `dyadsim run` accepts

It sits on top of the runner, the scenarios and the analysis; none of those
import it.
"""

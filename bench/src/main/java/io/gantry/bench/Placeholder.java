package io.gantry.bench; final class Placeholder {}
